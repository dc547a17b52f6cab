import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../lib/reconcile/reconcile.js';
import { startProviderStub } from './provider-stub.js';
import { adminEventRoute, adminEventsRoute } from '../../lib/admin/events-route.js';
import { adminOrdersRoute } from '../../lib/admin/orders-route.js';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { resetConfig } from '../../lib/config/index.js';
import { emailOutbox, orders, webhookEvents } from '../../lib/db/schema.js';
import { sendPendingEmails } from '../../lib/email/send-pending.js';
import { fulfil } from '../../lib/fulfilment/fulfil.js';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { deliver, event } from '../webhook/support.js';
import { bearer, body, driver } from './support.js';

describe('admin API, replay and outbox edges', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { RESEND_API_KEY: 're_test_key_not_real_123', EMAIL_FROM: 'Shop <shop@example.com>' } });
    app.emulator!.setDeliveryEnabled(false);
  });
  afterAll(() => app.stop());

  it('GET /api/admin/events?type= accepts an Accounts v2 event type Stripe really sends (brackets), as stored', async () => {
    // Stripe's own v2 types carry brackets: v2.core.account[requirements].updated (stripe typings,
    // resources/V2/Core/Events.d.ts). The webhook stores it (ignored); the operator filters by it.
    const type = 'v2.core.account[requirements].updated';
    const thin = { ...event('v2.core.account.updated'), type };
    const delivered = await deliver(app, thin);
    expect(delivered).toMatchObject({ status: 200, body: { status: 'ignored' } });
    const [row] = await app.db.select().from(webhookEvents).where(eq(webhookEvents.id, thin.id));
    expect(row).toMatchObject({ type, status: 'ignored' });

    const res = await app.call(adminEventsRoute, `/api/admin/events?type=${encodeURIComponent(type)}`, bearer());
    const b: any = await body(res, 200);
    expect(b.data.map((e: any) => e.id)).toEqual([thin.id]);
  });

  it('GET /api/admin/events/:id and POST …/replay with a NUL byte in the id → 400/404, not a 500', async () => {
    for (const [route, path, method] of [
      [adminEventRoute, '/api/admin/events/evt_%00', 'GET'],
      [adminReplayRoute, '/api/admin/events/evt_%00/replay', 'POST'],
    ] as const) {
      const res = await app.call(route, path, { method, ...bearer() });
      const text = await res.text();
      expect([400, 404], `${method} ${path}: ${res.status} ${text}`).toContain(res.status);
      expect(JSON.parse(text).error.code).toMatch(/^(invalid_request|not_found)$/);
    }
  });

  it('an ADMIN_TOKEN set with a trailing newline (as `echo $T | vercel env add` stores it) still authenticates its token, or is refused as configuration', async () => {
    const saved = process.env.ADMIN_TOKEN;
    process.env.ADMIN_TOKEN = `${TEST_ADMIN_TOKEN}\n`;
    resetConfig();
    try {
      const res = await app.call(adminOrdersRoute, '/api/admin/orders', bearer(TEST_ADMIN_TOKEN));
      const text = await res.text();
      // Config accepts the value; no header can ever match it: the operator is locked out with a 401.
      expect(res.status, text).not.toBe(401);
      expect([200, 503]).toContain(res.status);
    } finally {
      process.env.ADMIN_TOKEN = saved;
      resetConfig();
    }
  });

  describe('outbox against a provider with Resend rate limit (2 requests / second, 429 + retry-after)', () => {
    beforeEach(async () => {
      await app.db.delete(emailOutbox);
    });

    it('one run delivers a small backlog without burning attempts on its own 429s', async () => {
      // A stand-in that behaves like Resend's default team limit: 2 requests per rolling second.
      const stamps: number[] = [];
      let requests = 0;
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          requests++;
          const now = Date.now();
          while (stamps.length && now - stamps[0]! >= 1000) stamps.shift();
          if (stamps.length >= 2) {
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
            res.end(JSON.stringify({ statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests.' }));
            return;
          }
          stamps.push(now);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: `msg_${requests}` }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) {
          const [o] = await app.db.insert(orders).values({
            status: 'paid', currency: 'usd', amountTotal: 2500, email: `b${i}@example.com`, paidAt: new Date(),
            items: [{ priceId: 'price_a', productId: 'prod_a', name: 'T-shirt', quantity: 1, unitAmount: 2500, amountTotal: 2500 }],
          }).returning({ id: orders.id });
          await app.db.transaction((tx) => fulfil(tx, o!.id));
          ids.push(o!.id);
        }
        const result = await sendPendingEmails(app.db, { baseUrl: url });
        const rows = await app.db.select().from(emailOutbox).orderBy(emailOutbox.id);
        // Our own sending rate is not a problem with the message: every confirmation goes out in
        // this run (paced / honouring Retry-After), none waits an hour with an attempt spent.
        expect(rows.map((r) => r.status), JSON.stringify(rows.map((r) => r.lastError))).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
        expect(result).toMatchObject({ sent: 5, failed: 0 });
      } finally {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  });

  it('a Stripe outage during the hourly reconcile does not also hold back confirmation emails', async () => {
    await app.db.delete(emailOutbox);
    const [o] = await app.db.insert(orders).values({
      status: 'paid', currency: 'usd', amountTotal: 2500, email: 'outage@example.com', paidAt: new Date(),
      items: [{ priceId: 'price_a', productId: 'prod_a', name: 'T-shirt', quantity: 1, unitAmount: 2500, amountTotal: 2500 }],
    }).returning({ id: orders.id });
    await app.db.transaction((tx) => fulfil(tx, o!.id));
    const provider = await startProviderStub({ status: 200 });
    // Stripe unreachable (outage / network): the event list cannot be read this hour.
    const down = new Stripe('sk_test_down', { host: '127.0.0.1', port: 9, protocol: 'http', maxNetworkRetries: 0, httpClient: Stripe.createFetchHttpClient() });
    try {
      await reconcile(app.db, down, { emailBaseUrl: provider.url }).catch(() => null);
      const [row] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, o!.id));
      expect(provider.requests).toHaveLength(1);
      expect(row).toMatchObject({ status: 'sent' });
    } finally {
      await provider.close();
    }
  });
});
