import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, entitlements, subscriptions } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, driver, event } from './support.js';

const now = () => Math.floor(Date.now() / 1000);

describe('subscription entitlements: order, status and email', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
  });
  afterAll(() => app.stop());

  const ents = (sub: string) => app.db.select().from(entitlements).where(eq(entitlements.subscriptionStripeId, sub));
  const subRow = async (sub: string) => (await app.db.select().from(subscriptions).where(eq(subscriptions.stripeId, sub)))[0];

  // SPEC webhook promise 6: "Order does not matter: events arrive late, early or twice."
  it('past_due delivered before the created (active) event: the entitlement is the natural order\'s (granted)', async () => {
    const run = async (order: 'natural' | 'shuffled') => {
      const created = event('customer.subscription.created', { created: now() - 120 });
      const sub = created.data.object;
      const pastDue = event('customer.subscription.updated', {
        created: created.created + 30, data: { object: { ...sub, status: 'past_due', cancel_at_period_end: false } },
      });
      for (const e of order === 'natural' ? [created, pastDue] : [pastDue, created]) expect((await deliver(app, e)).status).toBe(200);
      expect((await subRow(sub.id))!.status).toBe('past_due');
      return (await ents(sub.id)).map((e) => ({ product: e.productStripeId, active: e.active }));
    };
    const natural = await run('natural');
    expect(natural).toEqual([{ product: 'prod_demo_membership', active: true }]);
    // Shuffled: no entitlement row at all, although the member paid and is in dunning like the natural one.
    expect(await run('shuffled')).toEqual(natural);
  });

  it('a customer\'s email change reaches the entitlements of their subscription', async () => {
    const customer = event('customer.created', { created: now() - 120, data: { object: { email: 'old@example.com' } } });
    const cus = customer.data.object.id;
    const created = event('customer.subscription.created', { created: now() - 110, data: { object: { customer: cus } } });
    const sub = created.data.object.id;
    expect((await deliver(app, customer)).status).toBe(200);
    expect((await deliver(app, created)).status).toBe(200);
    expect((await ents(sub))[0]).toMatchObject({ email: 'old@example.com', active: true });
    expect((await deliver(app, event('customer.updated', { created: now() - 100, data: { object: { id: cus, email: 'new@example.com' } } }))).status).toBe(200);
    expect((await app.db.select().from(customers).where(eq(customers.stripeId, cus)))[0]!.email).toBe('new@example.com');
    expect((await ents(sub))[0]).toMatchObject({ email: 'new@example.com', active: true });
    // A later subscription event does not bring it either (coalesce keeps the old address).
    expect((await deliver(app, event('customer.subscription.updated', { created: now() - 90, data: { object: { id: sub, customer: cus } } }))).status).toBe(200);
    expect((await ents(sub))[0]).toMatchObject({ email: 'new@example.com', active: true });
  });

  // Stripe: a subscription is `paused` when its trial ended without a payment method; it generates no invoices.
  it('a trialing subscription that becomes paused (trial ended unpaid) loses its entitlement', async () => {
    const created = event('customer.subscription.created', { created: now() - 120, data: { object: { status: 'trialing' } } });
    const sub = created.data.object;
    expect((await deliver(app, created)).status).toBe(200);
    expect((await ents(sub.id))[0]).toMatchObject({ active: true });
    expect((await deliver(app, event('customer.subscription.updated', { created: created.created + 10, data: { object: { ...sub, status: 'paused' } } }))).status).toBe(200);
    expect((await subRow(sub.id))!.status).toBe('paused');
    expect((await ents(sub.id))[0]).toMatchObject({ active: false });
  });
});
