import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run dev` as a user runs it: a fresh process with none of the project's variables.
describe('npm run dev', () => {
  let child: ChildProcess;
  let output = '';
  let base = '';
  let emulatorUrl = '';
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dev-pglite-'));

  beforeAll(async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, PORT: String(port), PGLITE_DATA_DIR: dataDir };
    child = spawn('npm', ['run', 'dev'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitFor(() => /Stripe\s+local emulator at (\S+)/.test(output), 60_000, () => output);
    emulatorUrl = /Stripe\s+local emulator at (\S+)/.exec(output)![1]!;
    base = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(() => {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /api/health with the embedded database, no .env needed', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: 'ok', redis: 'memory', stripe: 'emulator' });
  });

  it('serves public/ and 404s an unknown API path in the contract shape', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const missing = await fetch(`${base}/api/nope`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });

  it('hands request bodies to the routes, within each route\'s limit, with or without a declared length', async () => {
    const json = await fetch(`${base}/api/create-checkout-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ priceId: 'price_demo_tshirt_usd', quantity: 2 }),
    });
    expect(json.status).toBe(200);
    expect((await json.json()).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const form = await fetch(`${base}/api/create-checkout-session`, { method: 'POST', body: new URLSearchParams({ priceId: 'nope' }) });
    expect(form.status).toBe(400);
    expect((await form.json()).error.fields).toEqual([expect.objectContaining({ path: 'priceId' })]);
    // Chunked: no content-length for the route to refuse up front, so the read itself must.
    const chunked = (bytes: number) => new ReadableStream<Uint8Array>({
      start(c) {
        for (let sent = 0; sent < bytes; sent += 64 * 1024) c.enqueue(new Uint8Array(Math.min(64 * 1024, bytes - sent)).fill(0x20));
        c.close();
      },
    });
    const post = (route: string, bytes: number) => fetch(`${base}${route}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body: chunked(bytes), duplex: 'half',
    } as RequestInit);
    const checkout = await post('/api/create-checkout-session', 17 * 1024);
    expect(checkout.status).toBe(413);
    expect((await checkout.json()).error.code).toBe('payload_too_large');
    const webhook = await post('/api/webhook', 1024 * 1024 + 1);
    expect(webhook.status).toBe(413);
    expect((await webhook.json()).error.code).toBe('payload_too_large');
    const inLimit = await post('/api/webhook', 1024);
    expect(inLimit.status).toBe(400);
    expect((await inLimit.json()).error.code).toBe('invalid_signature');
  });

  it('wires the emulator and the app together: a paid session is delivered, signed, to the webhook', async () => {
    const u = new URL(emulatorUrl);
    const stripe = new Stripe('sk_test_emulator', { host: u.hostname, port: u.port, protocol: 'http' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }],
      success_url: `${base}/success.html?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${base}/canceled.html`,
    });
    const page = await fetch(session.url!);
    expect(await page.text()).toContain('Demo T-shirt');
    const paid = await fetch(session.url!, {
      method: 'POST',
      body: new URLSearchParams({ action: 'pay' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`${base}/success.html?session_id=${session.id}`);

    type Delivery = { type: string; status: number | null };
    let deliveries: Delivery[] = [];
    await waitFor(async () => {
      deliveries = (await (await fetch(`${emulatorUrl}/_emulator/deliveries`)).json()).deliveries;
      return deliveries.filter((d) => d.status === 200).length >= 3;
    }, 20_000, () => JSON.stringify(deliveries));
    expect(deliveries.filter((d) => d.status === 200).map((d) => d.type)).toEqual(
      expect.arrayContaining(['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded']),
    );
    const status = await (await fetch(`${base}/api/order-status?session_id=${session.id}`)).json();
    expect(status).toMatchObject({ status: 'paid', amountTotal: 2500, currency: 'usd' });
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, describe: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out; last state: ${describe().slice(-2000)}`);
}
