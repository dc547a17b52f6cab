import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { resetStripe } from '../../lib/stripe/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, event, orderBySession } from '../webhook/support.js';
import { driver, jsonInit, PATH, sdkFor } from './support.js';

// A pass-through proxy in front of the emulator that can hold one session read, to let a
// webhook land while the success page is waiting for Stripe.
function startProxy() {
  let target = '';
  let hold: { reached: () => void; release: Promise<void> } | null = null;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    if (hold && req.method === 'GET' && /^\/v1\/checkout\/sessions\/cs_[^/?]+\?/.test(req.url ?? '')) {
      const h = hold;
      hold = null;
      h.reached();
      await h.release;
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(body);
  });
  return {
    server,
    setTarget(url: string) { target = url.replace(/\/$/, ''); },
    holdNextSessionRead() {
      let reached!: () => void;
      let release!: () => void;
      const reachedP = new Promise<void>((r) => { reached = r; });
      const releaseP = new Promise<void>((r) => { release = r; });
      hold = { reached, release: releaseP };
      return { reached: reachedP, release };
    },
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

describe('order-status racing the webhook', () => {
  let app: TestApp;
  let stripe: Stripe;
  const proxy = startProxy();

  beforeAll(async () => {
    const url = await proxy.listen();
    app = await startTestApp({
      driver,
      emulator: true,
      // The SEPA debit never settles by itself: the test decides its fate.
      emulatorOptions: { asyncSettleMs: 3_600_000 },
      env: { STRIPE_API_BASE: url },
    });
    proxy.setTarget(app.emulator!.url);
    resetStripe();
    stripe = sdkFor(app.emulator!);
  });
  afterAll(async () => {
    await app.stop();
    await new Promise((r) => proxy.server.close(r));
  });

  it('a success-page read of Stripe that started before async_payment_failed does not move the failed order back to processing', async () => {
    const res = await app.call(createCheckoutSessionRoute, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }));
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { id: string }).id;
    await app.emulator!.completeCheckoutSession(id, 'delayed');

    // First poll: processing (no webhook yet).
    const first = await app.call(orderStatusRoute, `/api/order-status?session_id=${id}`);
    expect(((await first.json()) as { status: string }).status).toBe('processing');

    // Second poll: its Stripe read is answered (complete/unpaid) but held in transit...
    const gate = proxy.holdNextSessionRead();
    const polling = app.call(orderStatusRoute, `/api/order-status?session_id=${id}`);
    await gate.reached;

    // ...while the bank debit fails and Stripe's event is applied.
    const session = JSON.parse(JSON.stringify(await stripe.checkout.sessions.retrieve(id)));
    const failed = event('checkout.session.async_payment_failed', { data: { object: session } });
    failed.data.object = session;
    const delivered = await deliver(app, failed);
    expect(delivered.status).toBe(200);
    expect((await orderBySession(app, id))!.status).toBe('failed');

    // The stale read now lands: it must not outrank the event (fulfil-from-session.ts promises so).
    gate.release();
    const second = await polling;
    expect(second.status).toBe(200);
    expect((await orderBySession(app, id))!.status).toBe('failed');
    expect(((await second.json()) as { status: string }).status).toBe('failed');
  });
});
