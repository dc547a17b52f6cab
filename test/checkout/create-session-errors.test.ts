import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute as route } from '../../lib/checkout/create-checkout-session-route.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, expectError, insertStore, jsonInit, orderCount, PATH } from './support.js';

// Every refusal is a 4xx in SPEC's error shape and leaves the orders table empty.
describe('POST /api/create-checkout-session refuses bad input and writes nothing', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      driver,
      emulator: true,
      env: {
        ALLOWED_ORIGINS: 'https://shop.example.com',
        ALLOWED_PRICE_IDS: 'price_demo_tshirt_usd,price_demo_mug_jpy,price_demo_retired,price_missing_123',
      },
    });
    await insertStore(app.db, { slug: 'pending-shop', accountId: 'acct_pending_1', status: 'pending' });
    await insertStore(app.db, { slug: 'active-shop', accountId: 'acct_active_1', status: 'active' });
  });
  afterAll(() => app.stop());

  const cases: Array<[string, unknown, number, string]> = [
    ['missing price id', {}, 400, 'invalid_request'],
    ['malformed price id', { priceId: 'prod_123' }, 400, 'invalid_request'],
    ['price id with spaces', { priceId: 'price_ab cd' }, 400, 'invalid_request'],
    ['unknown price id', { priceId: 'price_missing_123' }, 400, 'unknown_price'],
    ['inactive price', { priceId: 'price_demo_retired' }, 400, 'price_inactive'],
    ['price outside ALLOWED_PRICE_IDS', { priceId: 'price_demo_poster_eur' }, 400, 'price_not_allowed'],
    ['quantity 0', { priceId: 'price_demo_tshirt_usd', quantity: 0 }, 400, 'invalid_request'],
    ['quantity 100', { priceId: 'price_demo_tshirt_usd', quantity: 100 }, 400, 'invalid_request'],
    ['quantity 1.5', { priceId: 'price_demo_tshirt_usd', quantity: 1.5 }, 400, 'invalid_request'],
    ['quantity "two"', { priceId: 'price_demo_tshirt_usd', quantity: 'two' }, 400, 'invalid_request'],
    ['malformed store slug', { priceId: 'price_demo_tshirt_usd', store: '../admin' }, 400, 'invalid_request'],
    ['unknown store', { priceId: 'price_demo_tshirt_usd', store: 'no-such-shop' }, 400, 'unknown_store'],
    ['store not active', { priceId: 'price_demo_tshirt_usd', store: 'pending-shop' }, 409, 'store_not_active'],
    ['a platform price named with a store (would pay the wrong seller)', { priceId: 'price_demo_tshirt_usd', store: 'active-shop' }, 400, 'price_not_allowed'],
    ['a JSON body that is not an object', '"price_demo_tshirt_usd"', 400, 'invalid_request'],
    ['invalid JSON', '{"priceId":', 400, 'invalid_json'],
  ];

  it.each(cases)('%s → %i %s', async (_name, body, status, code) => {
    const res = await app.call(route, PATH, jsonInit(body));
    await expectError(res, status, code);
    expect(await orderCount(app.db)).toBe(0);
  });

  it('names the offending field', async () => {
    const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd', quantity: 100 }));
    const err = await expectError(res, 400, 'invalid_request');
    expect(err.message).toContain('quantity');
  });

  it('form posts are refused the same way (quantity "1.5", "0")', async () => {
    for (const quantity of ['1.5', '0', 'two', '100']) {
      const res = await app.call(route, PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ priceId: 'price_demo_tshirt_usd', quantity }).toString(),
      });
      await expectError(res, 400, 'invalid_request');
    }
    expect(await orderCount(app.db)).toBe(0);
  });

  it('wrong content type → 415', async () => {
    const res = await app.call(route, PATH, jsonInit('priceId=price_demo_tshirt_usd', { 'content-type': 'text/plain' }));
    await expectError(res, 415, 'unsupported_media_type');
    expect(await orderCount(app.db)).toBe(0);
  });

  it('body over 16 KiB → 413', async () => {
    const body = JSON.stringify({ priceId: 'price_demo_tshirt_usd', padding: 'x'.repeat(17 * 1024) });
    const res = await app.call(route, PATH, jsonInit(body));
    await expectError(res, 413, 'payload_too_large');
    expect(await orderCount(app.db)).toBe(0);
  });

  it('malformed Idempotency-Key → 400', async () => {
    for (const key of ['', 'x'.repeat(256), 'é-key']) {
      const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { 'idempotency-key': key }));
      await expectError(res, 400, 'invalid_request');
    }
    expect(await orderCount(app.db)).toBe(0);
  });

  it('origin not in ALLOWED_ORIGINS → 403 without CORS headers, nothing written', async () => {
    const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, { origin: 'https://evil.example' }));
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await expectError(res, 403, 'forbidden_origin');
    const pre = await app.call(route, PATH, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(await orderCount(app.db)).toBe(0);
  });

  it('an allowed origin can read the error (CORS headers on a 4xx)', async () => {
    const res = await app.call(route, PATH, jsonInit({ priceId: 'nope' }, { origin: 'https://shop.example.com' }));
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    await expectError(res, 400, 'invalid_request');
  });

  it('GET → 405 with Allow', async () => {
    const res = await app.call(route, PATH, { method: 'GET' });
    await expectError(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toContain('POST');
  });
});
