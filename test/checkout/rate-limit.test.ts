import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCheckoutSessionRoute as route } from '../../lib/checkout/create-checkout-session-route.js';
import { getKv } from '../../lib/kv/index.js';
import { resetRateLimiters } from '../../lib/kv/rate-limit.js';
import { startUpstashBridge, type UpstashBridge } from '../../local/upstash-bridge.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, freshIp, jsonInit, orderCount, PATH } from './support.js';

// Real Redis through the Upstash REST bridge, with the real @upstash/ratelimit client.
// Fresh random addresses keep these keys apart from any other run's.
describe.runIf(inject('redis'))('create-checkout-session rate limit (Upstash → Redis)', () => {
  let app: TestApp;
  let bridge: UpstashBridge;

  beforeAll(async () => {
    bridge = await startUpstashBridge();
    app = await startTestApp({
      driver,
      emulator: true,
      env: { RATE_LIMIT_PER_MINUTE: '3', UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token },
    });
    resetRateLimiters();
    expect((await getKv()).redis).toBeTruthy();
  });
  afterAll(async () => {
    await app.stop();
    await bridge.close();
  });

  it('the 4th request from one address gets 429 with Retry-After; another address still succeeds', async () => {
    await awayFromWindowEdge();
    const ip = freshIp();
    for (let i = 0; i < 3; i++) {
      const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, {}, ip));
      expect(res.status).toBe(200);
    }
    const written = await orderCount(app.db);
    const limited = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, {}, ip));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(await orderCount(app.db)).toBe(written);

    const other = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }, {}, freshIp()));
    expect(other.status).toBe(200);
  });
});

/**
 * Upstash's sliding window counts the previous minute (windows start at multiples of 60 s since
 * the epoch) only in proportion, rounded down: four requests that straddle a boundary would all
 * pass. Start the burst at least 10 s before the next boundary.
 */
async function awayFromWindowEdge(): Promise<void> {
  const intoWindow = Date.now() % 60_000;
  if (intoWindow > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoWindow + 50));
}
