import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, emailOutbox, entitlements, reconcileCheckpoints, stores, webhookEvents } from '../../lib/db/schema.js';
import { reconcile } from '../../lib/reconcile/reconcile.js';
import { reconcileRoute } from '../../lib/reconcile/route.js';
import { startTestApp, TEST_CRON_SECRET, type TestApp } from '../support/app.js';
import { breakOrders, createCustomerAt, orderBySession, purchase, repairOrders, sdkFor } from './flow.js';
import { startProviderStub } from './provider-stub.js';
import { body, driver } from './support.js';

describe('reconcile recovers events Stripe could not deliver', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({
      driver,
      emulator: true,
      env: { RESEND_API_KEY: 're_test_reconcile_key', EMAIL_FROM: 'shop@example.com' },
    });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  it('a purchase with delivery off stays open; reconcile makes it paid and fulfilled; a second run does nothing', async () => {
    const sessionId = await purchase(app);
    expect(await orderBySession(app.db, sessionId)).toMatchObject({ status: 'open', fulfilledAt: null });
    const provider = await startProviderStub({ status: 200 });
    try {
      const first = await reconcile(app.db, stripe, { emailBaseUrl: provider.url });
      expect(first.fetched).toBeGreaterThan(0);
      expect(first.applied).toBeGreaterThan(0);
      expect(first.failed).toBe(0);
      expect(first.emailsSent).toBe(1);
      const order = await orderBySession(app.db, sessionId);
      expect(order).toMatchObject({ status: 'paid' });
      expect(order!.fulfilledAt).not.toBeNull();
      expect(await app.db.select().from(entitlements).where(eq(entitlements.orderId, order!.id))).toHaveLength(1);
      const completed = await app.db.select().from(webhookEvents).where(eq(webhookEvents.type, 'checkout.session.completed'));
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ status: 'processed', source: 'reconcile' });
      expect(first.checkpoint).toBe(Math.max(...(await app.db.select().from(webhookEvents)).map((e) => e.stripeCreated)));

      const eventsBefore = await app.db.select().from(webhookEvents);
      const second = await reconcile(app.db, stripe, { emailBaseUrl: provider.url });
      expect(second).toMatchObject({ applied: 0, ignored: 0, failed: 0, emailsSent: 0, checkpoint: first.checkpoint });
      expect(second.duplicates).toBe(second.fetched);
      expect(await app.db.select().from(webhookEvents)).toEqual(eventsBefore);
      expect(provider.requests).toHaveLength(1);
    } finally {
      await provider.close();
    }
  });

  it('a failing event stops the checkpoint; the next run after the fix applies it; a provider failure is retried', async () => {
    const [cp] = await app.db.select().from(reconcileCheckpoints).where(eq(reconcileCheckpoints.name, 'events'));
    // A later second than everything so far, so the checkpoint can be seen not to pass it.
    await new Promise((r) => setTimeout(r, 1100));
    const sessionId = await purchase(app);
    await breakOrders(app.db);
    const provider = await startProviderStub({ status: 500 });
    try {
      const broken = await reconcile(app.db, stripe, { emailBaseUrl: provider.url });
      expect(broken.failed).toBeGreaterThan(0);
      expect(broken.checkpoint).toBe(cp!.lastEventCreated);
      const [failed] = await app.db.select().from(webhookEvents).where(eq(webhookEvents.status, 'failed'));
      expect(failed!.lastError).toContain('read-only during maintenance');
      expect(await orderBySession(app.db, sessionId)).toMatchObject({ status: 'open' });

      await repairOrders(app.db);
      const fixed = await reconcile(app.db, stripe, { emailBaseUrl: provider.url });
      expect(fixed.failed).toBe(0);
      expect(fixed.applied).toBeGreaterThan(0);
      expect(fixed.checkpoint!).toBeGreaterThan(cp!.lastEventCreated!);
      const order = await orderBySession(app.db, sessionId);
      expect(order).toMatchObject({ status: 'paid' });
      // The provider is down: the message waits, unsent, with its error.
      expect(fixed).toMatchObject({ emailsSent: 0, emailsFailed: 1 });
      let [mail] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order!.id));
      expect(mail).toMatchObject({ status: 'pending', attempts: 1 });

      provider.status = 200;
      const retried = await reconcile(app.db, stripe, { emailBaseUrl: provider.url });
      expect(retried).toMatchObject({ applied: 0, failed: 0, emailsSent: 1 });
      [mail] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order!.id));
      expect(mail!.status).toBe('sent');
      expect(provider.requests.map((r) => r.headers['idempotency-key'])).toEqual([`order-${order!.id}`, `order-${order!.id}`]);
    } finally {
      await repairOrders(app.db);
      await provider.close();
    }
  });

  it("a connected account's missed account.updated is recovered, with its own checkpoint", async () => {
    const account = await stripe.accounts.create({
      controller: { fees: { payer: 'application' }, losses: { payments: 'application' }, stripe_dashboard: { type: 'express' } },
    });
    await app.db.insert(stores).values({
      accountId: account.id, slug: 'reconcile-shop', name: 'Reconcile shop', status: 'pending', settings: { currency: 'usd', feeBps: 250 },
    });
    await app.emulator!.completeOnboarding(account.id);
    await app.emulator!.idle();
    const r = await reconcile(app.db, stripe, { emailBaseUrl: 'http://127.0.0.1:9' });
    expect(r).toMatchObject({ accounts: 1, accountErrors: 0, failed: 0 });
    const [store] = await app.db.select().from(stores).where(eq(stores.accountId, account.id));
    expect(store).toMatchObject({ status: 'active', chargesEnabled: true });
    const [updated] = await app.db.select().from(webhookEvents).where(eq(webhookEvents.type, 'account.updated'));
    expect(updated).toMatchObject({ status: 'processed', accountId: account.id, source: 'reconcile' });
    const names = (await app.db.select().from(reconcileCheckpoints)).map((c) => c.name);
    expect(names).toContain(`events:${account.id}`);
  });

  it('an account whose first events were all missed, and that has no store, gets one from reconcile', async () => {
    const account = await stripe.accounts.create({
      controller: { fees: { payer: 'application' }, losses: { payments: 'application' }, stripe_dashboard: { type: 'express' } },
      business_profile: { name: 'Found By Reconcile' },
    });
    await app.emulator!.completeOnboarding(account.id);
    await app.emulator!.idle();
    expect(await app.db.select().from(stores).where(eq(stores.accountId, account.id))).toEqual([]);
    const r = await reconcile(app.db, stripe, { emailBaseUrl: 'http://127.0.0.1:9' });
    expect(r).toMatchObject({ accountErrors: 0, failed: 0 });
    const [store] = await app.db.select().from(stores).where(eq(stores.accountId, account.id));
    expect(store).toMatchObject({ status: 'active', chargesEnabled: true, slug: 'found-by-reconcile' });
    const names = (await app.db.select().from(reconcileCheckpoints)).map((c) => c.name);
    expect(names).toContain(`events:${account.id}`);
  });

  it('never looks further back than 30 days', async () => {
    const now = Math.floor(Date.now() / 1000);
    await app.db.update(reconcileCheckpoints).set({ lastEventCreated: now - 40 * 86400 });
    const r = await reconcile(app.db, stripe, { now, emailBaseUrl: 'http://127.0.0.1:9' });
    expect(r.since).toBe(now - 30 * 86400);
    expect(r.failed).toBe(0);
  });

  it('GET /api/cron/reconcile: 401 without or with a wrong CRON_SECRET; 200 with the counts', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-cron-secret-000000' }, { authorization: `Bearer ${TEST_CRON_SECRET}x` }];
    for (const headers of attempts) {
      const b = await body(await app.call(reconcileRoute, '/api/cron/reconcile', { headers }), 401);
      expect(b.error.code).toBe('unauthorized');
    }
    const ok = await body(await app.call(reconcileRoute, '/api/cron/reconcile', { headers: { authorization: `Bearer ${TEST_CRON_SECRET}` } }));
    expect(ok).toMatchObject({ fetched: expect.any(Number), applied: 0, failed: 0, checkpoint: expect.any(Number) });
    const post = await app.call(reconcileRoute, '/api/cron/reconcile', { method: 'POST', headers: { authorization: `Bearer ${TEST_CRON_SECRET}` } });
    expect(post.status).toBe(405);
  });
});

describe('a backlog larger than one run reads', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  it('is read over several runs, newest part first; the checkpoint moves once the oldest part is read', async () => {
    // 250 missed customer.created, 10 s apart (the emulator stamps events with Date.now()).
    const start = Math.floor(Date.now() / 1000) - 4000;
    for (let i = 0; i < 250; i++) await createCustomerAt(stripe, start + i * 10, `backlog${i}@example.com`);
    const run = () => reconcile(app.db, stripe, { maxPages: 1, emailBaseUrl: 'http://127.0.0.1:9' }); // 100 events a run
    const count = async () => (await app.db.select({ id: customers.id }).from(customers)).length;

    const first = await run();
    expect(first).toMatchObject({ fetched: 100, applied: 100, failed: 0, checkpoint: null });
    expect(await count()).toBe(100);
    const second = await run(); // on after the first run's last event (Stripe's cursor)
    expect(second).toMatchObject({ fetched: 100, applied: 100, failed: 0, checkpoint: null });
    expect(await count()).toBe(200);
    const third = await run(); // the oldest part: the window is done
    expect(third).toMatchObject({ failed: 0, checkpoint: start + 2490 });
    expect(await count()).toBe(250);
    const [state] = await app.db.select().from(reconcileCheckpoints).where(eq(reconcileCheckpoints.name, 'events'));
    expect(state).toMatchObject({ lastEventCreated: start + 2490, readBelow: null, thenTo: null });
    const fourth = await run(); // back to reading from the checkpoint, ten minutes behind it
    expect(fourth).toMatchObject({ fetched: 61, applied: 0, duplicates: 61, checkpoint: start + 2490 });

    // Another backlog, with a failure in the part the first run reads: once the oldest part is
    // read, the checkpoint stops at the failure, not at the newest event.
    const later = start + 2600;
    for (let i = 0; i < 150; i++) {
      await createCustomerAt(stripe, later + i * 5, i === 120 ? 'broken@example.com' : `later${i}@example.com`);
    }
    await app.db.execute(sql.raw(`create function test_broken_customer() returns trigger language plpgsql as $$
      begin if new.email = 'broken@example.com' then raise exception 'customer store unavailable'; end if; return new; end $$`));
    await app.db.execute(sql.raw('create trigger test_broken_customer before insert on customers for each row execute function test_broken_customer()'));
    const untilRead = async () => {
      for (let i = 0; i < 10; i++) {
        await run();
        const [row] = await app.db.select().from(reconcileCheckpoints).where(eq(reconcileCheckpoints.name, 'events'));
        if (row!.readBelow === null) return row!;
      }
      throw new Error('the backlog was never read to its end');
    };
    expect(await untilRead()).toMatchObject({ lastEventCreated: later + 600 });
    expect(await count()).toBe(399);
    await app.db.execute(sql.raw('drop trigger test_broken_customer on customers'));
    expect(await untilRead()).toMatchObject({ lastEventCreated: later + 745 });
    expect(await count()).toBe(400);
  });
});

describe('a run lists for a limited time', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  it('past its listing time a run reads no further page (one at least); the next reads on below it', async () => {
    const start = Math.floor(Date.now() / 1000) - 3000;
    for (let i = 0; i < 150; i++) await createCustomerAt(stripe, start + i * 10, `slow${i}@example.com`);
    const run = () => reconcile(app.db, stripe, { listBudgetMs: 0, emailBaseUrl: 'http://127.0.0.1:9' }); // at Stripe's slowest
    expect(await run()).toMatchObject({ fetched: 100, applied: 100, checkpoint: null });
    expect(await run()).toMatchObject({ failed: 0, checkpoint: start + 1490 });
    expect((await app.db.select({ id: customers.id }).from(customers)).length).toBe(150);
  });
});
