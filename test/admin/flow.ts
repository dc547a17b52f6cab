import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { vi } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import type { Db } from '../../lib/db/client.js';
import { orders } from '../../lib/db/schema.js';
import type { TestApp } from '../support/app.js';
export { sdkFor } from '../support/sdk.js';

/** A shopper's purchase through our own route: an `open` order and a Checkout Session, paid. */
export async function purchase(app: TestApp, priceId = 'price_demo_tshirt_usd'): Promise<string> {
  const b = randomBytes(3);
  const res = await app.call(createCheckoutSessionRoute, '/api/create-checkout-session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ priceId, quantity: 1 }),
    ip: `10.${b[0]}.${b[1]}.${b[2]}`,
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 200) throw new Error(`create-checkout-session ${res.status}: ${JSON.stringify(body)}`);
  await app.emulator!.completeCheckoutSession(body.id, 'paid');
  await app.emulator!.idle();
  return body.id;
}

export async function orderBySession(db: Db, sessionId: string) {
  const [row] = await db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId));
  return row;
}

/** Stands in for a broken dependency: every write to `orders` fails until `repairOrders`. */
export async function breakOrders(db: Db): Promise<void> {
  await db.execute(sql.raw(`create or replace function test_orders_unavailable() returns trigger language plpgsql as $$
    begin raise exception 'orders are read-only during maintenance'; end $$`));
  await db.execute(sql.raw('drop trigger if exists test_orders_unavailable on orders'));
  await db.execute(sql.raw(`create trigger test_orders_unavailable before insert or update on orders
    for each row execute function test_orders_unavailable()`));
}

export async function repairOrders(db: Db): Promise<void> {
  await db.execute(sql.raw('drop trigger if exists test_orders_unavailable on orders'));
}

/** Stripe's delivery of `event` to our webhook route: pretty-printed and signed, as Stripe sends it. */
export function signedDelivery(event: Stripe.Event, secret: string): RequestInit {
  const payload = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload };
}

export async function completedEventFor(stripe: Stripe, sessionId: string): Promise<Stripe.Event> {
  for await (const e of stripe.events.list({ type: 'checkout.session.completed', limit: 100 })) {
    if ((e.data.object as { id?: string }).id === sessionId) return e;
  }
  throw new Error(`no checkout.session.completed for ${sessionId}`);
}

/** A customer created at Stripe at `seconds` (unix): the emulator stamps its event with Date.now(). */
export async function createCustomerAt(stripe: Stripe, seconds: number, email: string): Promise<Stripe.Customer> {
  const clock = vi.spyOn(Date, 'now').mockReturnValue(seconds * 1000);
  try {
    return await stripe.customers.create({ email });
  } finally {
    clock.mockRestore();
  }
}
