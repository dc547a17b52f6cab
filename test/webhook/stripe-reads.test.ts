import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { customers, orders, stores } from '../../lib/db/schema.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { ADMIN_URL } from '../support/db.js';
import { deliver, event, eventRow, orderBySession, purchase, sdkFor } from './support.js';

/**
 * Stripe between the app and the emulator: while each request of the app's is held, it counts
 * the app database's sessions that are inside a transaction. A Stripe read made inside the
 * event's transaction would find one (`idle in transaction`, holding a connection).
 */
async function watchingProxy(database: () => string) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const seen: { path: string; openTransactions: number }[] = [];
  let target = '';
  let failWith: number | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
      const { rows } = await admin.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = $1 and xact_start is not null and pid <> pg_backend_pid()`,
        [database()],
      );
      seen.push({ path: req.url ?? '', openTransactions: rows[0]!.n });
      if (failWith) {
        res.writeHead(failWith, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: 'Stripe is having a moment' } }));
        return;
      }
      const upstream = await fetch(target + req.url, {
        method: req.method,
        headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    forwardTo(url: string) { target = url; },
    fail(status: number | null) { failWith = status; },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await admin.end();
    },
  };
}

// pg_stat_activity needs a Postgres server; PGlite has one session.
describe.runIf(inject('postgres'))('Stripe reads happen before the event\'s transaction opens', () => {
  let app: TestApp;
  let stripe: Stripe;
  let proxy: Awaited<ReturnType<typeof watchingProxy>>;
  beforeAll(async () => {
    proxy = await watchingProxy(() => new URL(process.env.DATABASE_URL!).pathname.slice(1));
    app = await startTestApp({ driver: 'neon', emulator: true, env: { STRIPE_API_BASE: proxy.url } });
    proxy.forwardTo(app.emulator!.url);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(async () => {
    await app.stop();
    await proxy.close();
  });

  it('checkout.session.completed reads its line items with no transaction open, then fulfils', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    expect((completed.data.object as Stripe.Checkout.Session).line_items).toBeUndefined(); // Stripe's events never carry them
    proxy.seen.length = 0;
    expect((await deliver(app, completed)).body).toEqual({ status: 'processed', reason: 'order paid' });
    expect(proxy.seen).toEqual([{ path: expect.stringContaining(`/v1/checkout/sessions/${p.session.id}/line_items`), openTransactions: 0 }]);
    expect((await orderBySession(app, p.session.id))!.items).toEqual([expect.objectContaining({ productId: 'prod_demo_tshirt' })]);
  });

  it('account.application.authorized and a thin v2 account event read the account with no transaction open', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Read First Goods' } });
    proxy.seen.length = 0;
    const authorized = event('account.application.authorized', { account: account.id, created: Math.floor(Date.now() / 1000) - 10 });
    expect((await deliver(app, authorized, { secret: TEST_CONNECT_WEBHOOK_SECRET })).body).toEqual({ status: 'processed', reason: 'store pending' });
    const thin = event('v2.core.account.updated', { related_object: { id: account.id } });
    expect((await deliver(app, thin, { secret: TEST_CONNECT_WEBHOOK_SECRET })).status).toBe(200);
    expect(proxy.seen).toEqual([
      { path: `/v1/accounts/${account.id}`, openTransactions: 0 },
      { path: `/v1/accounts/${account.id}`, openTransactions: 0 },
    ]);
    expect((await app.db.select().from(stores).where(eq(stores.accountId, account.id)))[0]).toMatchObject({ name: 'Read First Goods' });
  });

  it('a same-second tie reads Stripe\'s current object between two attempts, not inside the transaction', async () => {
    const c = await stripe.customers.create({ email: 'first@example.com', name: 'Tie Read' });
    const older = await stripe.customers.update(c.id, { email: 'older@example.com' });
    const current = await stripe.customers.update(c.id, { email: 'current@example.com' });
    const second = Math.floor(Date.now() / 1000);
    await deliver(app, event('customer.updated', { created: second, data: { object: current } }));
    proxy.seen.length = 0;
    const tie = event('customer.updated', { created: second, data: { object: older } });
    expect((await deliver(app, tie)).body).toEqual({ status: 'processed', reason: 'customer synced (same-second tie settled from Stripe)' });
    expect(proxy.seen).toEqual([{ path: `/v1/customers/${c.id}`, openTransactions: 0 }]);
    expect((await app.db.select().from(customers).where(eq(customers.stripeId, c.id)))[0]).toMatchObject({ email: 'current@example.com', lastEventAt: second });
    expect(await eventRow(app, tie.id)).toMatchObject({ status: 'processed', attempts: 1 });
  });

  it('Stripe failing the read: 500, the event kept failed with nothing applied; the retry succeeds', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    proxy.fail(500);
    try {
      expect((await deliver(app, completed)).status).toBe(500);
    } finally {
      proxy.fail(null);
    }
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await app.db.select().from(orders).where(eq(orders.checkoutSessionId, p.session.id))).toEqual([]);
    expect((await deliver(app, completed)).body).toEqual({ status: 'processed', reason: 'order paid' });
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'processed', attempts: 2 });
  });
});
