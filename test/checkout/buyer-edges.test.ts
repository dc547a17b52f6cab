import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute as route } from '../../lib/checkout/create-checkout-session-route.js';
import { createIntentRoute } from '../../lib/checkout/create-intent-route.js';
import { resetRateLimiters } from '../../lib/kv/rate-limit.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, jsonInit, PATH, takeDatabaseDown } from './support.js';

// Buyer-facing routes: rate-limit keys, Stripe idempotency keys, CORS configuration and errors.

const ORIGIN = 'https://shop.example.com';

// Records the Idempotency-Key header of every request the Stripe SDK sends. The SDK captures
// globalThis.fetch when its client is created (after startTestApp), so wrapping it here is enough.
const sentKeys: string[] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const key = new Headers(init?.headers).get('idempotency-key');
  if (key) sentKeys.push(key);
  return realFetch(input, init);
}) as typeof fetch;
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe('buyer routes: limits and keys', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { ALLOWED_ORIGINS: ORIGIN, RATE_LIMIT_PER_MINUTE: '2' } });
    resetRateLimiters();
  });
  afterAll(async () => {
    resetRateLimiters();
    await app.stop();
  });

  it('rate limit: one IPv6 client rotating addresses inside its own /64 is still limited', async () => {
    // Every IPv6 host controls at least a /64 (2^64 addresses); keying on the full /128 lets a
    // card tester send unlimited requests by changing the interface id on each one.
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, {}, `2001:db8:abcd:12::${i}`));
      statuses.push(res.status);
    }
    expect(statuses, 'limit is 2 per minute per client').toContain(429);
  });

  it('Idempotency-Key: a key our API accepts (255 chars) reaches Stripe within Stripe\'s 255-character limit', async () => {
    // readIdempotencyKey accepts 1–255 characters; the routes then prefix "checkout:" or
    // "create-intent:", and Stripe refuses keys over 255 characters (a 502 for the buyer, forever).
    const key = 'k'.repeat(255);
    sentKeys.length = 0;
    const a = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { 'idempotency-key': key }));
    const b = await app.call(createIntentRoute, '/api/create-intent', jsonInit({ items: [{ priceId: 'price_demo_tshirt_usd' }] }, { 'idempotency-key': key }));
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const forwarded = sentKeys.filter((k) => k.startsWith('checkout:') || k.startsWith('create-intent:'));
    expect(forwarded.length).toBeGreaterThanOrEqual(2);
    for (const k of forwarded) expect(k.length, k.slice(0, 20)).toBeLessThanOrEqual(255);
    // Still one key per client key: the same request again is the same session.
    const again = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { 'idempotency-key': key }));
    expect(((await again.json()) as any).id).toBe(((await a.json()) as any).id);
  });
});

describe('ALLOWED_ORIGINS written as a URL with a trailing slash', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { ALLOWED_ORIGINS: `${ORIGIN}/` } });
    resetRateLimiters();
  });
  afterAll(async () => {
    resetRateLimiters();
    await app.stop();
  });

  it('is not silently ignored (the site is either allowed or the variable is reported invalid)', async () => {
    const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { origin: ORIGIN }));
    const text = await res.text();
    // Browsers send Origin without a path; an entry that can never match blocks every buyer of
    // that site with a 403 while health and config report nothing wrong.
    expect(res.status, text).not.toBe(403);
  });
});

describe('allowed cross-origin caller when the database is down', () => {
  let app: TestApp;
  let restore: () => Promise<void>;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { ALLOWED_ORIGINS: ORIGIN } });
    resetRateLimiters();
    restore = await takeDatabaseDown('postgres://nobody:x@127.0.0.1:1/nodb');
  });
  afterAll(async () => {
    await restore();
    resetRateLimiters();
    await app.stop();
  });

  it.each([
    ['create-checkout-session', route, PATH, { priceId: 'price_demo_tshirt_usd' }],
    ['create-intent', createIntentRoute, '/api/create-intent', { items: [{ priceId: 'price_demo_tshirt_usd' }] }],
  ] as const)('%s: the 503 carries the CORS headers so the page can read it', async (_n, r, path, body) => {
    const res = await app.call(r, path, jsonInit(body, { origin: ORIGIN }));
    expect(res.status).toBe(503);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});
