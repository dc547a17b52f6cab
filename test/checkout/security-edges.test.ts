import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute as route } from '../../lib/checkout/create-checkout-session-route.js';
import { createIntentRoute } from '../../lib/checkout/create-intent-route.js';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { resetConfig } from '../../lib/config/index.js';
import { resetRateLimiters } from '../../lib/kv/rate-limit.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, expectError, freshIp, insertStore, jsonInit, orderCount, PATH, sdkFor, takeDatabaseDown } from './support.js';

// Checkout's security floor at its edges: who owns a price, CORS on a 429, a bad variable, Redis
// or the database down.

const ORIGIN = 'https://shop.example.com';
const form = (body: string, ip = freshIp()) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body,
  ip,
});

describe('create-checkout-session at the edges', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { ALLOWED_ORIGINS: ORIGIN, RATE_LIMIT_PER_MINUTE: '2' } });
    resetRateLimiters();
    stripe = sdkFor(app.emulator!);
  });
  afterAll(async () => {
    resetRateLimiters();
    await app.stop();
  });

  it('a store\'s price (tagged store_account_id at Stripe) not yet in our catalogue is not sold as a platform price', async () => {
    const account = await stripe.accounts.create({ type: 'express' });
    await insertStore(app.db, { slug: 'lagging-shop', accountId: account.id, status: 'active' });
    // Created at Stripe the way the catalogue handler expects a store product; the webhook has not run yet.
    const product = await stripe.products.create({
      name: 'Seller mug',
      metadata: { store_account_id: account.id },
      default_price_data: { currency: 'usd', unit_amount: 3000 },
    });
    const before = await orderCount(app.db);
    const res = await app.call(route, PATH, jsonInit({ priceId: product.default_price as string }));
    await expectError(res, 400, 'price_not_allowed');
    expect(await orderCount(app.db)).toBe(before);
  });

  it('a 429 to an allowed cross-origin caller exposes Retry-After (Access-Control-Expose-Headers)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 2; i++) {
      expect((await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { origin: ORIGIN }, ip))).status).toBe(200);
    }
    const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { origin: ORIGIN }, ip));
    expect(res.status).toBe(429);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('retry-after')).toBeTruthy();
    // Retry-After is not a CORS-safelisted response header: without this the button script cannot read it.
    expect((res.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('retry-after');
  });

  it('control: charset variants are accepted; a form post and JSON share one per-address bucket', async () => {
    const ip = freshIp();
    const a = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { 'content-type': 'application/json; charset=UTF-8' }, ip));
    expect(a.status).toBe(200);
    const b = await app.call(route, PATH, {
      ...form('priceId=price_demo_tshirt_usd&quantity=01', ip),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(b.status).toBe(303);
    const c = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, {}, ip));
    await expectError(c, 429, 'rate_limited');
  });

  it('control: quantities "1e3", "-1", "+1", "1.0", huge, hex, 1e3, 1e400 are refused', async () => {
    for (const q of ['1e3', '-1', '+1', '1.0', '99999999999999999999', '0x10', '1,2']) {
      await expectError(await app.call(route, PATH, form(`priceId=price_demo_tshirt_usd&quantity=${encodeURIComponent(q)}`)), 400, 'invalid_request');
    }
    for (const q of ['1e3', '-1', '1.5', '1e400', '"1e3"', 'null', 'true']) {
      const res = await app.call(route, PATH, jsonInit(`{"priceId":"price_demo_tshirt_usd","quantity":${q}}`));
      expect(res.status, q).toBe(400);
    }
  });

  it('control: success/cancel URLs come from PUBLIC_BASE_URL, not Host / X-Forwarded-Host', async () => {
    const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { host: 'evil.example', 'x-forwarded-host': 'evil.example' }));
    const { id } = (await res.json()) as { id: string };
    const s = await stripe.checkout.sessions.retrieve(id);
    expect(s.success_url).toMatch(/^http:\/\/localhost:3000\//);
    expect(s.cancel_url).toMatch(/^http:\/\/localhost:3000\//);
  });

  it('control: create-intent refuses recurring and inactive prices and ignores client amounts', async () => {
    await expectError(await app.call(createIntentRoute, '/api/create-intent', jsonInit({ items: [{ priceId: 'price_demo_membership_monthly' }] })), 400, 'invalid_request');
    await expectError(await app.call(createIntentRoute, '/api/create-intent', jsonInit({ items: [{ priceId: 'price_demo_retired' }] })), 400, 'price_inactive');
    const res = await app.call(createIntentRoute, '/api/create-intent', jsonInit({ items: [{ priceId: 'price_demo_tshirt_usd', quantity: 2, unitAmount: 1 }], amount: 1, currency: 'jpy' }));
    expect(await res.json()).toMatchObject({ amountTotal: 5000, currency: 'usd' });
  });

  it('control: preflight from an allowed origin has Vary: Origin and no credentials', async () => {
    const pre = await app.call(route, PATH, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('vary')).toContain('Origin');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('configuration, per variable', () => {
  it('an invalid admin-only variable (ADMIN_TOKEN too short) does not take checkout down', async () => {
    const app = await startTestApp({ driver, emulator: true });
    process.env.ADMIN_TOKEN = 'short';
    resetConfig();
    try {
      const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }));
      expect(res.status, await res.clone().text()).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

describe('Upstash configured but unreachable', () => {
  it('checkout still sells: the rate limiter fails open', async () => {
    const app = await startTestApp({
      driver,
      emulator: true,
      env: { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'tok' },
    });
    resetRateLimiters();
    try {
      const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }));
      expect(res.status, await res.clone().text()).toBe(200);
    } finally {
      resetRateLimiters();
      await app.stop();
    }
  });
});

describe('database unreachable', () => {
  let app: TestApp;
  let restore: () => Promise<void>;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    restore = await takeDatabaseDown('postgres://nobody:hunter2-secret@127.0.0.1:1/nodb');
  });
  afterAll(async () => {
    await restore();
    await app.stop();
  });

  it('create-checkout-session → 503 (dependency down), without driver text', async () => {
    const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }));
    const text = await res.text();
    expect(text).not.toMatch(/ECONNREFUSED|hunter2|127\.0\.0\.1/);
    expect(res.status, text).toBe(503);
  });

  it('order-status → 503 (dependency down), without driver text', async () => {
    const res = await app.call(orderStatusRoute, '/api/order-status?session_id=cs_test_abc123', { ip: freshIp() });
    const text = await res.text();
    expect(text).not.toMatch(/ECONNREFUSED|hunter2|127\.0\.0\.1/);
    expect(res.status, text).toBe(503);
  });
});
