// Regressions found in a third look: the backlog cursor at the 30-day floor, a joining fee on the
// subscribed product, IPv4-mapped addresses in their other spellings.
import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { customers, entitlements } from '../../lib/db/schema.js';
import { resetRateLimiters } from '../../lib/kv/rate-limit.js';
import { reconcile } from '../../lib/reconcile/reconcile.js';
import { MAX_LOOKBACK_SECONDS } from '../../lib/reconcile/fetch-events.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, driver, eventRow, orderBySession, sdkFor } from '../webhook/support.js';
import { createCustomerAt } from './flow.js';

const now = () => Math.floor(Date.now() / 1000);

describe('reconcile: the backlog cursor (read_after_id) near the 30-day floor', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  // A first run (no checkpoint) reads the last 30 days; a busy account's backlog is read over
  // several runs, newest part first, the next run listing on `starting_after` the oldest event
  // read. When that event has left Stripe's 30 days by the next run, Stripe answers 404
  // (resource_missing) for the cursor: every later run fails the same way, for ever.
  it('a stopped run whose cursor event has left the 30-day window does not stall every later run', async () => {
    const t = now();
    const base = t - MAX_LOOKBACK_SECONDS + 1200; // 20 minutes inside the window
    for (let i = 0; i < 150; i++) await createCustomerAt(stripe, base + i, `old-backlog-${i}@example.com`);
    const opts = { maxPages: 1, emailBaseUrl: 'http://127.0.0.1:9' };
    // First run: the newest 100 events; the cursor is the oldest of them (base + 50).
    expect(await reconcile(app.db, stripe, { ...opts, now: t })).toMatchObject({ fetched: 100, applied: 100, checkpoint: null });
    // An hour later the cursor event is older than 30 days: gone at Stripe.
    const later = await reconcile(app.db, stripe, { ...opts, now: t + 3600 }).then(
      (r) => ({ ok: true as const, r }), (err: unknown) => ({ ok: false as const, err: String(err), cause: String((err as { cause?: unknown }).cause) }),
    );
    expect(later, JSON.stringify(later)).toMatchObject({ ok: true });
    // And the run after that too (not stuck on the same cursor).
    const again = await reconcile(app.db, stripe, { ...opts, now: t + 7200 }).then(() => 'ok', (err: unknown) => String(err));
    expect(again).toBe('ok');
    expect((await app.db.select({ id: customers.id }).from(customers)).length).toBeGreaterThanOrEqual(100);
  });
});

describe('one-time item of a subscription session on the subscription\'s own product', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const send = async (e: object) => {
    const res = await deliver(app, e);
    if (res.status !== 200) throw new Error(`${res.status}: ${(await eventRow(app, (e as { id: string }).id))?.lastError}`);
  };
  const allEvents = async () => {
    const list: Stripe.Event[] = [];
    for await (const e of stripe.events.list({ limit: 100 })) list.push(e);
    return list.reverse();
  };

  // A joining fee sold as a one-time price of the membership product itself, next to its
  // monthly price. The membership entitlement must follow the subscription (SPEC: subscription
  // entitlements follow it); the one-time line now grants the same product through the order,
  // which nothing ever revokes: the customer keeps the membership after cancelling.
  it('cancelling the subscription revokes access to its product, even when a one-time price of that product was bought with it', async () => {
    const fee = await stripe.prices.create({ currency: 'usd', unit_amount: 1500, product: 'prod_demo_membership' });
    const s = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_demo_membership_monthly', quantity: 1 }, { price: fee.id, quantity: 1 }],
      success_url: 'http://x/s', cancel_url: 'http://x/c',
    });
    await app.emulator!.completeCheckoutSession(s.id, 'paid');
    await app.emulator!.idle();
    const session = await stripe.checkout.sessions.retrieve(s.id);
    const events = (await allEvents()).filter((e) => {
      const o = e.data.object as { id?: string };
      return o.id === s.id || o.id === session.subscription || o.id === session.customer;
    });
    for (const e of events) await send(e);
    expect(await orderBySession(app, s.id)).toMatchObject({ mode: 'subscription', status: 'paid' });

    const created = events.find((e) => e.type === 'customer.subscription.created')!;
    const sub = created.data.object as Stripe.Subscription;
    await send({
      ...created,
      id: `evt_review_sub_deleted_${Date.now()}`,
      type: 'customer.subscription.deleted',
      created: created.created + 3600,
      data: { object: { ...sub, status: 'canceled', canceled_at: created.created + 3600, ended_at: created.created + 3600 } },
    });
    const active = await app.db.select().from(entitlements).where(and(
      eq(entitlements.customerStripeId, session.customer as string),
      eq(entitlements.productStripeId, 'prod_demo_membership'),
      eq(entitlements.active, true),
    ));
    expect(active.map((g) => ({ order: g.orderId, subscription: g.subscriptionStripeId }))).toEqual([]);
  });
});

describe('rate limit key: IPv4-mapped addresses in their other textual forms', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { RATE_LIMIT_PER_MINUTE: '2' } });
    resetRateLimiters();
  });
  afterAll(() => app.stop());

  const post = (ip: string) => app.call(createCheckoutSessionRoute, '/api/create-checkout-session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ priceId: 'price_demo_tshirt_usd' }),
    ip,
  });

  // `::ffff:a01:203` is 10.1.2.3 and `::ffff:a04:506` is 10.4.5.6 (the hex form WHATWG URL and
  // some proxies print; `0:0:0:0:0:ffff:…` is the uncompressed one). clientKey only recognises
  // `::ffff:d.d.d.d`: every other form falls into the IPv6 branch and keys on `0:0:0:0::/64`,
  // so all IPv4 clients written that way share one bucket.
  it('two different IPv4 clients written as IPv4-mapped hex addresses are limited apart', async () => {
    for (let i = 0; i < 2; i++) expect((await post('::ffff:a01:203')).status).toBe(200);
    expect((await post('::ffff:a04:506')).status).toBe(200);
    expect((await post('0:0:0:0:0:ffff:a07:809')).status).toBe(200);
  });
});
