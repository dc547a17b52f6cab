import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FunctionsHandler } from '@netlify/functions-dev';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../build/functions.js';
import { orders, webhookEvents } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';

// Netlify's own local runtime (@netlify/functions-dev, the engine of `netlify dev`): it builds
// each function with zip-it-and-ship-it and invokes the built artefact through Netlify's v2
// bootstrap in a worker thread, Lambda event in, Response out. No network: Stripe is the
// emulator, the database a local Postgres through the Neon driver, as in production.
const FUNCTIONS = ['create-checkout-session', 'webhook', 'health'];

describe.skipIf(!inject('postgres'))('Netlify runtime (functions-dev) against the emulator and Postgres', () => {
  let app: TestApp;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    app = await startTestApp({ driver: 'neon', emulator: true, env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    // The function files, byte for byte, in a folder at the same depth as netlify/functions/
    // (so `../../lib` resolves): the runtime builds every function it finds, and the other
    // routes are built and checked by platform-bundles.test.ts.
    const dir = path.join(ROOT, '.bundles/netlify-runtime');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const name of FUNCTIONS) copyFileSync(path.join(ROOT, 'netlify/functions', `${name}.ts`), path.join(dir, `${name}.ts`));
    const functions = new FunctionsHandler({
      config: { get: () => ({ functions: { '*': { node_bundler: 'esbuild', included_files: ['drizzle/**'] } } }) } as never,
      destPath: path.join(ROOT, '.bundles/netlify-runtime-build'),
      projectRoot: ROOT,
      settings: {},
      userFunctionsPath: dir,
      geolocation: { city: 'Local', country: { code: 'DE', name: 'Germany' }, subdivision: { code: 'BE', name: 'Berlin' }, latitude: 0, longitude: 0, timezone: 'UTC' },
    });
    server = http.createServer((req, res) => void serve(functions, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app.emulator!.setWebhook(`${base}/api/webhook`);
  }, 600_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await app?.stop();
  });

  it('runs the very files in netlify/functions', () => {
    for (const name of FUNCTIONS) {
      const copy = readFileSync(path.join(ROOT, '.bundles/netlify-runtime', `${name}.ts`), 'utf8');
      expect(copy).toBe(readFileSync(path.join(ROOT, 'netlify/functions', `${name}.ts`), 'utf8'));
    }
  });

  it('GET /api/health → 200 with the database up', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, db: 'ok', stripe: 'emulator' });
  }, 120_000);

  it('checkout → Stripe completes → the webhook, run by Netlify, makes the order paid', async () => {
    const res = await fetch(`${base}/api/create-checkout-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'x-forwarded-for': '10.9.8.7' },
      body: JSON.stringify({ priceId: 'price_demo_tshirt_usd', quantity: 1 }),
    });
    const body = (await res.json()) as { id: string; url: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.id).toMatch(/^cs_test_/);
    const [open] = await app.db.select().from(orders).where(eq(orders.checkoutSessionId, body.id));
    expect(open).toMatchObject({ status: 'open', amountTotal: 2500 });

    await app.emulator!.completeCheckoutSession(body.id, 'paid');
    await app.emulator!.idle();
    const delivered = app.emulator!.deliveries.filter((d) => d.type === 'checkout.session.completed');
    expect(delivered.map((d) => d.status)).toEqual([200]);
    const [paid] = await app.db.select().from(orders).where(eq(orders.checkoutSessionId, body.id));
    expect(paid).toMatchObject({ status: 'paid' });
    expect(paid!.fulfilledAt).not.toBeNull();
    const events = await app.db.select().from(webhookEvents);
    expect(events.length).toBeGreaterThan(0);
    expect(app.emulator!.deliveries.every((d) => d.status === 200)).toBe(true);
  }, 180_000);

  it('a webhook with a bad signature → 400, nothing stored', async () => {
    const before = (await app.db.select().from(webhookEvents)).length;
    const res = await fetch(`${base}/api/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
      body: JSON.stringify({ id: 'evt_forged', object: 'event', type: 'checkout.session.completed' }),
    });
    expect(res.status).toBe(400);
    expect((await app.db.select().from(webhookEvents)).length).toBe(before);
  }, 120_000);
});

/** What `netlify dev` does in front of the runtime: Node request → Web Request → function. */
async function serve(functions: FunctionsHandler, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const match = await functions.match(request);
    if (!match) {
      res.writeHead(404).end('no function');
      return;
    }
    const response = await match.handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (err) {
    res.writeHead(502).end(String(err));
  }
}
