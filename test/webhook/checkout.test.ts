import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, entitlements, orders, webhookEvents } from '../../lib/db/schema.js';
import { syncCheckoutSession } from '../../lib/fulfilment/checkout.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, driver, eventRow, orderBySession, purchase, sdkFor } from './support.js';

describe('checkout sessions: orders and fulfilment', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const effectsOf = async (orderId: number) => ({
    entitlements: await app.db.select().from(entitlements).where(eq(entitlements.orderId, orderId)),
    outbox: await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, orderId)),
  });

  it('checkout.session.completed (paid) makes the order paid, fulfils it once, queues one email', async () => {
    const p = await purchase(app.emulator!, stripe, { quantity: 2 });
    const completed = p.events.get('checkout.session.completed')!;
    const res = await deliver(app, completed);
    expect(res).toEqual({ status: 200, body: { status: 'processed', reason: 'order paid' } });

    const order = (await orderBySession(app, p.session.id))!;
    expect(order).toMatchObject({
      status: 'paid', paymentIntentId: p.paymentIntentId, currency: 'usd', amountTotal: 5000, email: 'shopper@example.com',
    });
    expect(order.fulfilledAt).not.toBeNull();
    expect(order.items).toEqual([expect.objectContaining({ priceId: 'price_demo_tshirt_usd', productId: 'prod_demo_tshirt', quantity: 2, amountTotal: 5000 })]);
    const { entitlements: granted, outbox } = await effectsOf(order.id);
    expect(granted).toEqual([expect.objectContaining({ productStripeId: 'prod_demo_tshirt', active: true, email: 'shopper@example.com' })]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.text).toContain('$50.00');

    const row = (await eventRow(app, completed.id))!;
    expect(row).toMatchObject({ status: 'processed', attempts: 1, type: 'checkout.session.completed', source: 'webhook' });
  });

  it('the same event twice in sequence and 20 times at once leaves one set of effects, all 200', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    const first = await deliver(app, completed);
    const second = await deliver(app, completed);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual({ status: 'duplicate' });

    const q = await purchase(app.emulator!, stripe);
    const concurrent = q.events.get('checkout.session.completed')!;
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(app, concurrent)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.filter((r) => r.body.status === 'processed')).toHaveLength(1);
    expect(results.filter((r) => r.body.status === 'duplicate')).toHaveLength(19);

    for (const s of [p, q]) {
      const rows = await app.db.select().from(orders).where(eq(orders.checkoutSessionId, s.session.id));
      expect(rows).toHaveLength(1);
      const { entitlements: granted, outbox } = await effectsOf(rows[0]!.id);
      expect(granted).toHaveLength(1);
      expect(outbox).toHaveLength(1);
    }
    const ev = await app.db.select().from(webhookEvents).where(eq(webhookEvents.id, concurrent.id));
    expect(ev).toEqual([expect.objectContaining({ status: 'processed', attempts: 1 })]);
  });

  it('the success page (syncCheckoutSession) racing the webhook fulfils exactly once', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    const session = await stripe.checkout.sessions.retrieve(p.session.id);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => syncCheckoutSession(app.db, session, { eventCreated: null })),
      ...Array.from({ length: 5 }, () => deliver(app, completed)),
    ]);
    expect(results.slice(0, 5).map((o) => (o as { status: string }).status)).toEqual(Array(5).fill('paid'));
    expect(results.slice(5).map((r) => (r as { status: number }).status)).toEqual(Array(5).fill(200));
    const rows = await app.db.select().from(orders).where(eq(orders.checkoutSessionId, p.session.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.fulfilledAt).not.toBeNull();
    const { entitlements: granted, outbox } = await effectsOf(rows[0]!.id);
    expect(granted).toHaveLength(1);
    expect(outbox).toHaveLength(1);
  });
});
