// The success page, the reconcile cron and the admin replay against webhook deliveries: a
// settled event stays settled whatever Stripe answers, and reconcile catches a late listing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { emailOutbox, entitlements, orders, reconcileCheckpoints, webhookEvents } from '../../lib/db/schema.js';
import { EVENTS_CHECKPOINT, reconcile } from '../../lib/reconcile/reconcile.js';
import { reconcileRoute } from '../../lib/reconcile/route.js';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_CRON_SECRET, type TestApp } from '../support/app.js';
import { breakOrders, repairOrders } from '../admin/flow.js';
import { startProviderStub } from '../admin/provider-stub.js';
import { deliver, driver, eventRow, orderBySession, purchase, sdkFor, type Purchase } from './support.js';

/**
 * Stripe between the app and the emulator. `hide(id)` keeps an event out of GET /v1/events
 * (Stripe's event list is eventually consistent: an event can show up in it after newer ones);
 * `fail(true)` answers every request with a 500, as Stripe does during an incident.
 */
async function stripeProxy() {
  const hidden = new Set<string>();
  let target = '';
  let failing = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
      if (failing) {
        res.writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { type: 'api_error', message: 'Stripe is having a moment' } }));
        return;
      }
      const upstream = await fetch(target + req.url, {
        method: req.method,
        headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      let out = Buffer.from(await upstream.arrayBuffer());
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/v1/events' && upstream.ok && hidden.size) {
        const list = JSON.parse(out.toString('utf8'));
        list.data = list.data.filter((e: { id: string }) => !hidden.has(e.id));
        out = Buffer.from(JSON.stringify(list));
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwardTo(url: string) { target = url; },
    hide(id: string) { hidden.add(id); },
    reveal(id: string) { hidden.delete(id); },
    fail(on: boolean) { failing = on; },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const cron = (app: TestApp) =>
  app.call(reconcileRoute, '/api/cron/reconcile', { headers: { authorization: `Bearer ${TEST_CRON_SECRET}` } });
const replay = (app: TestApp, id: string) =>
  app.call(adminReplayRoute, `/api/admin/events/${id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
// The success page's poll; `ip` differs per call because unknown sessions are rate-limited per address.
let lastIp = 0;
const successPage = (app: TestApp, sessionId: string) =>
  app.call(orderStatusRoute, `/api/order-status?session_id=${sessionId}`, { ip: `198.51.100.${++lastIp % 250 + 1}` });

/** Every row the purchase paid by `pi` left: its orders, their entitlements and queued emails. */
async function effectsOf(app: TestApp, pi: string) {
  const os = await app.db.select().from(orders).where(eq(orders.paymentIntentId, pi));
  const ids = os.map((o) => o.id);
  return {
    orders: os,
    entitlements: ids.length ? await app.db.select().from(entitlements).where(inArray(entitlements.orderId, ids)) : [],
    emails: ids.length ? await app.db.select().from(emailOutbox).where(inArray(emailOutbox.orderId, ids)) : [],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const checkpointRow = async (app: TestApp) =>
  (await app.db.select().from(reconcileCheckpoints).where(eq(reconcileCheckpoints.name, EVENTS_CHECKPOINT)))[0];

describe('success page, reconcile and replay against webhook deliveries', () => {
  let app: TestApp;
  let stripe: Stripe;
  let proxy: Awaited<ReturnType<typeof stripeProxy>>;
  beforeAll(async () => {
    proxy = await stripeProxy();
    app = await startTestApp({ driver, emulator: true, env: { STRIPE_API_BASE: proxy.url } });
    proxy.forwardTo(app.emulator!.url);
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(async () => {
    await app.stop();
    await proxy.close();
  });

  it('a duplicate delivery of a processed checkout.session.completed while Stripe is failing answers 200 duplicate, not 500', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    expect((await deliver(app, completed)).body).toEqual({ status: 'processed', reason: 'order paid' });
    const before = await eventRow(app, completed.id);
    proxy.fail(true);
    let dup: { status: number; body: unknown };
    try {
      dup = await deliver(app, completed);
    } finally {
      proxy.fail(false);
    }
    // SPEC webhook promise 4: a duplicate delivery returns 200 {"status":"duplicate"} and changes nothing.
    expect(await eventRow(app, completed.id)).toEqual(before);
    expect(dup).toEqual({ status: 200, body: { status: 'duplicate' } });
  });

  it('admin replay of a processed event is a no-op reporting duplicate, even while Stripe is failing', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    expect((await deliver(app, completed)).body).toMatchObject({ status: 'processed' });
    proxy.fail(true);
    let res: Response;
    try {
      res = await replay(app, completed.id);
    } finally {
      proxy.fail(false);
    }
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await res.json()).toEqual({ status: 'duplicate' });
  });

  it('an event that shows up in Stripe\'s list after newer ones is still applied by a later reconcile', async () => {
    // Purchase A at second T1; its checkout.session.completed is not yet listed by Stripe.
    const a = await purchase(app.emulator!, stripe);
    const lateEvent = a.events.get('checkout.session.completed')!;
    proxy.hide(lateEvent.id);
    await new Promise((r) => setTimeout(r, 1100));
    // Newer activity at T2 > T1, fully listed.
    await stripe.customers.create({ email: 'later@example.com' });
    const first = await cron(app);
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { failed: number; checkpoint: number };
    expect(firstBody.failed).toBe(0);
    expect(firstBody.checkpoint).toBeGreaterThan(lateEvent.created);
    expect(await orderBySession(app, a.session.id)).toBeUndefined();

    // Stripe now lists it (created T1, before the checkpoint).
    proxy.reveal(lateEvent.id);
    const second = await cron(app);
    expect(second.status).toBe(200);
    const order = await orderBySession(app, a.session.id);
    expect(order).toMatchObject({ status: 'paid' });
    expect(order!.fulfilledAt).not.toBeNull();
    expect(await eventRow(app, lateEvent.id)).toMatchObject({ status: 'processed', source: 'reconcile' });
  });

  it('webhook ×3, success page ×2, reconcile ×2 and a replay all at once: one order, fulfilled once, one entitlement, one email', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    const [hooks, pages, crons, replayed] = await Promise.all([
      Promise.all([deliver(app, completed), deliver(app, completed), deliver(app, completed)]),
      Promise.all([successPage(app, p.session.id), successPage(app, p.session.id)]),
      Promise.all([cron(app), cron(app)]),
      replay(app, completed.id),
    ]);

    expect(hooks.map((h) => h.status)).toEqual([200, 200, 200]);
    // Reconcile may have claimed the event first: then every delivery is a duplicate.
    const claimedByHooks = hooks.filter((h) => h.body.status === 'processed').length;
    expect(claimedByHooks).toBeLessThanOrEqual(1);
    for (const h of hooks) expect(['processed', 'duplicate']).toContain(h.body.status);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(((await page.json()) as { status: string }).status).toBe('paid');
    }
    for (const c of crons) {
      expect(c.status).toBe(200);
      expect(((await c.json()) as { failed: number }).failed).toBe(0);
    }
    // The replay either found the event already settled or not stored yet.
    if (replayed.status === 200) expect(await replayed.json()).toEqual({ status: 'duplicate' });
    else expect(replayed.status).toBe(404);

    // Claimed exactly once, by whichever came first.
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'processed', attempts: 1, lastError: null });
    const { orders: os, entitlements: ents, emails } = await effectsOf(app, p.paymentIntentId);
    expect(os).toHaveLength(1);
    expect(os[0]).toMatchObject({ checkoutSessionId: p.session.id, status: 'paid' });
    expect(os[0]!.fulfilledAt).toBeInstanceOf(Date);
    expect(ents.map((e) => ({ product: e.productStripeId, active: e.active }))).toEqual([{ product: 'prod_demo_tshirt', active: true }]);
    expect(emails).toHaveLength(1);
  });

  it('a full refund delivered first, then reconcile applies the older paid events: refunded, joined, entitlement revoked, one email', async () => {
    const p = await purchase(app.emulator!, stripe);
    await stripe.refunds.create({ payment_intent: p.paymentIntentId });
    let refunded: Stripe.Event | undefined;
    for await (const e of stripe.events.list({ type: 'charge.refunded', limit: 100 })) {
      if ((e.data.object as Stripe.Charge).payment_intent === p.paymentIntentId) { refunded = e; break; }
    }
    const charge = refunded!.data.object as Stripe.Charge;
    expect(charge.amount_refunded).toBe(charge.amount);

    expect(await deliver(app, refunded!)).toMatchObject({ status: 200, body: { status: 'processed' } });
    const early = await effectsOf(app, p.paymentIntentId);
    expect(early.orders).toEqual([expect.objectContaining({ status: 'refunded', checkoutSessionId: null, fulfilledAt: null })]);
    expect(early.entitlements).toEqual([]);

    const run = await cron(app);
    expect(run.status).toBe(200);
    expect(((await run.json()) as { failed: number }).failed).toBe(0);
    for (const type of ['checkout.session.completed', 'charge.succeeded', 'payment_intent.succeeded']) {
      expect(await eventRow(app, p.events.get(type)!.id)).toMatchObject({ status: 'processed', source: 'reconcile' });
    }
    expect(await eventRow(app, refunded!.id)).toMatchObject({ status: 'processed', source: 'webhook', attempts: 1 });

    const { orders: os, entitlements: ents, emails } = await effectsOf(app, p.paymentIntentId);
    expect(os).toHaveLength(1);
    expect(os[0]).toMatchObject({ status: 'refunded', checkoutSessionId: p.session.id, amountRefunded: charge.amount });
    expect(os[0]!.fulfilledAt).toBeInstanceOf(Date);
    expect(os[0]!.items).toHaveLength(1);
    expect(ents).toHaveLength(1);
    expect(ents[0]).toMatchObject({ productStripeId: 'prod_demo_tshirt', active: false });
    expect(ents[0]!.revokedAt).toBeInstanceOf(Date);
    expect(emails).toHaveLength(1);

    const page = await successPage(app, p.session.id);
    expect(page.status).toBe(200);
    expect(((await page.json()) as { status: string }).status).toBe('refunded');
  });

  it('a failed webhook, then the success page fulfils; replay, redelivery and reconcile racing after it change nothing more', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    await breakOrders(app.db);
    try {
      expect((await deliver(app, completed)).status).toBe(500);
    } finally {
      await repairOrders(app.db);
    }
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await orderBySession(app, p.session.id)).toBeUndefined();

    const page = await successPage(app, p.session.id);
    expect(page.status).toBe(200);
    expect(((await page.json()) as { status: string }).status).toBe('paid');
    const fulfilled = (await orderBySession(app, p.session.id))!;
    expect(fulfilled.fulfilledAt).toBeInstanceOf(Date);
    // The success page does not settle the event: it is still failed, for Stripe or an operator to retry.
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'failed' });

    const [replayed, redelivered, run] = await Promise.all([replay(app, completed.id), deliver(app, completed), cron(app)]);
    expect(replayed.status).toBe(200);
    expect(['processed', 'duplicate']).toContain(((await replayed.json()) as { status: string }).status);
    expect(redelivered.status).toBe(200);
    expect(['processed', 'duplicate']).toContain(redelivered.body.status);
    expect(run.status).toBe(200);
    expect(((await run.json()) as { failed: number }).failed).toBe(0);

    // One of the three took the failed row over (attempt 2); the others found it settled.
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'processed', attempts: 2, lastError: null });
    const { orders: os, entitlements: ents, emails } = await effectsOf(app, p.paymentIntentId);
    expect(os).toHaveLength(1);
    expect(os[0]).toMatchObject({ id: fulfilled.id, status: 'paid' });
    expect(os[0]!.fulfilledAt!.getTime()).toBe(fulfilled.fulfilledAt!.getTime());
    expect(ents).toHaveLength(1);
    expect(emails).toHaveLength(1);
  });

  it('a failed event in the middle of a reconcile run holds the checkpoint; after replay the next run moves past it', async () => {
    // Everything so far settled, so this run's failures are this purchase's alone.
    const settled = await cron(app);
    expect(((await settled.json()) as { failed: number }).failed).toBe(0);
    await sleep(1100);
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    // A newer event that does not touch orders: it succeeds after the failures.
    await sleep(1100);
    const customer = await stripe.customers.create({ email: 'after-the-failure@example.com' });
    let customerEvent: Stripe.Event | undefined;
    for await (const e of stripe.events.list({ type: 'customer.created', limit: 100 })) {
      if ((e.data.object as Stripe.Customer).id === customer.id) { customerEvent = e; break; }
    }
    expect(customerEvent!.created).toBeGreaterThan(completed.created);

    await breakOrders(app.db);
    let broken: { failed: number; checkpoint: number };
    try {
      const res = await cron(app);
      expect(res.status).toBe(200);
      broken = (await res.json()) as typeof broken;
    } finally {
      await repairOrders(app.db);
    }
    expect(broken.failed).toBeGreaterThan(0);
    const failedRows = await app.db.select().from(webhookEvents).where(eq(webhookEvents.status, 'failed'));
    expect(failedRows.map((r) => r.id)).toContain(completed.id);
    expect(failedRows.every((r) => r.source === 'reconcile')).toBe(true);
    const firstFailure = Math.min(...failedRows.map((r) => r.stripeCreated));
    // The newer event was applied, but the checkpoint stays at or before the first failure.
    expect(await eventRow(app, customerEvent!.id)).toMatchObject({ status: 'processed', source: 'reconcile' });
    const held = (await checkpointRow(app))!;
    expect(held.lastEventCreated).toBeLessThanOrEqual(firstFailure);
    expect(broken.checkpoint).toBe(held.lastEventCreated);

    for (const row of failedRows) {
      const res = await replay(app, row.id);
      expect(await res.json()).toEqual({ status: 'processed' });
    }
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'processed', source: 'replay' });
    const order = (await orderBySession(app, p.session.id))!;
    expect(order.status).toBe('paid');
    expect(order.fulfilledAt).toBeInstanceOf(Date);
    // Replay fixes the events, not the checkpoint: that is the next run's job.
    expect((await checkpointRow(app))!.lastEventCreated).toBe(held.lastEventCreated);

    const next = await cron(app);
    const nextBody = (await next.json()) as { failed: number; applied: number; checkpoint: number };
    expect(nextBody).toMatchObject({ failed: 0, applied: 0 });
    const moved = (await checkpointRow(app))!;
    expect(moved.lastEventCreated).toBeGreaterThanOrEqual(customerEvent!.created);
    expect(moved.lastEventCreated).toBeGreaterThan(firstFailure);
    expect(nextBody.checkpoint).toBe(moved.lastEventCreated);
    expect(await app.db.select().from(webhookEvents).where(eq(webhookEvents.status, 'failed'))).toEqual([]);
  });
});

describe('two reconcile runs at once with a slow email provider', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({
      driver,
      emulator: true,
      env: { RESEND_API_KEY: 're_test_reconcile_races_key', EMAIL_FROM: 'shop@example.com' },
    });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  it('every order\'s confirmation is sent exactly once', async () => {
    const purchases: Purchase[] = [];
    for (let i = 0; i < 3; i++) purchases.push(await purchase(app.emulator!, stripe));
    const provider = await startProviderStub({ status: 200, delayMs: 150 });
    try {
      const [a, b] = await Promise.all([
        reconcile(app.db, stripe, { emailBaseUrl: provider.url }),
        reconcile(app.db, stripe, { emailBaseUrl: provider.url }),
      ]);
      expect(a.failed + b.failed).toBe(0);
      expect(a.emailsFailed + b.emailsFailed).toBe(0);
      expect(a.emailsSent + b.emailsSent).toBe(3);

      const ids: number[] = [];
      for (const p of purchases) {
        const order = (await orderBySession(app, p.session.id))!;
        expect(order).toMatchObject({ status: 'paid' });
        ids.push(order.id);
        const mail = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order.id));
        expect(mail).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
      }
      const keys = provider.requests.map((r) => r.headers['idempotency-key']);
      expect(keys).toHaveLength(3);
      expect([...keys].sort()).toEqual(ids.map((id) => `order-${id}`).sort());

      // A third run finds nothing left to send.
      const c = await reconcile(app.db, stripe, { emailBaseUrl: provider.url });
      expect(c).toMatchObject({ applied: 0, failed: 0, emailsSent: 0 });
      expect(provider.requests).toHaveLength(3);
    } finally {
      await provider.close();
    }
  });
});
