import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Driver } from '../../lib/db/client.js';
import { customers, emailOutbox, entitlements, prices, products, subscriptions, webhookEvents } from '../../lib/db/schema.js';
import { startTestApp } from '../support/app.js';
import { deliver, event, orderByPi } from './support.js';

// The other webhook suites run on the Neon driver. The webhook's statements are named prepared
// statements (lib/db/prepared.ts): the same purchases, on the local `pg` driver (named, and
// unnamed as DATABASE_PREPARED_STATEMENTS=off sends them) and on the embedded one, delivered at
// once so that several pooled connections prepare each name.
const cases: Array<{ driver: Driver; prepared: 'on' | 'off' }> = [
  ...(inject('postgres') ? [{ driver: 'pg', prepared: 'on' }, { driver: 'pg', prepared: 'off' }] as const : []),
  { driver: 'pglite', prepared: 'on' },
];

/** A session, its PaymentIntent and its charge, sharing one payment intent; the charge first. */
function purchase(n: number) {
  const pi = `pi_drv_${n}_${Date.now()}`;
  const session = event('checkout.session.completed', { data: { object: { id: `cs_drv_${n}_${Date.now()}`, payment_intent: pi } } });
  session.data.object.line_items = {
    object: 'list', has_more: false, url: '/v1/checkout/sessions/x/line_items',
    data: [{
      id: `li_drv_${n}`, object: 'item', amount_subtotal: 2500, amount_total: 2500, currency: 'usd', description: 'Demo T-shirt', quantity: 1,
      price: { id: 'price_demo_tshirt_usd', object: 'price', product: 'prod_demo_tshirt', unit_amount: 2500, currency: 'usd', type: 'one_time' },
    }],
  };
  const charge = event('charge.succeeded', { data: { object: { id: `ch_drv_${n}_${Date.now()}`, payment_intent: pi } } });
  const intent = event('payment_intent.succeeded', { data: { object: { id: pi } } });
  return { pi, events: [charge, session, intent] };
}

describe.each(cases)('webhook statements on the $driver driver, prepared statements $prepared', ({ driver, prepared }) => {
  it('purchases, customers, catalogue and subscriptions leave their rows; a duplicate changes nothing', async () => {
    const app = await startTestApp({ driver, env: { DATABASE_PREPARED_STATEMENTS: prepared } });
    try {
      const purchases = Array.from({ length: 12 }, (_, i) => purchase(i));
      const others = [
        ...Array.from({ length: 8 }, () => event('customer.created')),
        event('product.updated'), event('price.created'), event('customer.subscription.updated'), event('invoice.paid'),
      ];
      // Charge before session before intent for each purchase; purchases and the rest at once.
      const results = await Promise.all([
        ...purchases.map(async (p) => {
          const out = [];
          for (const e of p.events) out.push(await deliver(app, e));
          return out;
        }),
        ...others.map(async (e) => [await deliver(app, e)]),
      ]);
      expect(results.flat().map((r) => r.status)).toEqual(results.flat().map(() => 200));

      for (const p of purchases) {
        const order = await orderByPi(app, p.pi);
        expect(order).toMatchObject({ status: 'paid', amountTotal: 2500, checkoutSessionId: p.events[1]!.data.object.id });
        expect(order!.fulfilledAt).not.toBeNull();
        expect(await app.db.select().from(entitlements).where(eq(entitlements.orderId, order!.id))).toHaveLength(1);
        expect(await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order!.id))).toHaveLength(1);
      }
      expect(await app.db.select().from(customers)).toHaveLength(8);
      expect(await app.db.select().from(products)).toHaveLength(1);
      expect(await app.db.select().from(prices)).toHaveLength(1);
      const subscription = others[10].data.object;
      expect((await app.db.select().from(subscriptions).where(eq(subscriptions.stripeId, subscription.id)))[0]).toMatchObject({ status: subscription.status });
      expect(await app.db.select().from(webhookEvents)).toHaveLength(purchases.length * 3 + others.length);

      const again = await deliver(app, purchases[0]!.events[1]);
      expect(again).toEqual({ status: 200, body: { status: 'duplicate' } });
      // One per purchase, and the subscription's own.
      expect(await app.db.select().from(entitlements)).toHaveLength(purchases.length + 1);

      if (driver === 'pg') {
        // Ten at once hold every pooled connection: the names each one prepared, or none.
        const perConnection = await Promise.all(Array.from({ length: 10 }, async () => {
          const res = await app.db.execute<{ n: number }>(sql`select (select count(*)::int from pg_prepared_statements
            where name in ('orders_payment_claiming', 'orders_session_claiming', 'sync_customers_claiming')) as n, pg_sleep(0.05)`);
          return (res as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
        }));
        if (prepared === 'on') expect(Math.max(...perConnection)).toBeGreaterThan(0);
        else expect(perConnection.every((n) => n === 0)).toBe(true);
      }
    } finally {
      await app.stop();
    }
  });
});
