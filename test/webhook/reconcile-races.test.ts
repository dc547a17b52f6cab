// The success page, the reconcile cron and the admin replay against webhook deliveries: a
// settled event stays settled whatever Stripe answers, and reconcile catches a late listing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { reconcileRoute } from '../../lib/reconcile/route.js';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_CRON_SECRET, type TestApp } from '../support/app.js';
import { deliver, driver, eventRow, orderBySession, purchase, sdkFor } from './support.js';

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
});
