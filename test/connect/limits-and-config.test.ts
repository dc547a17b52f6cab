import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntentRoute } from '../../lib/checkout/create-intent-route.js';
import { connectOnboardingRoute } from '../../lib/connect/onboarding-route.js';
import { resetRateLimiters } from '../../lib/kv/rate-limit.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, expectError, freshIp, jsonInit } from './support.js';

describe('rate limits on the marketplace POST routes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { RATE_LIMIT_PER_MINUTE: '2' } });
    resetRateLimiters();
  });
  afterAll(() => {
    resetRateLimiters();
    return app.stop();
  });

  it('create-intent: the third request from one address in a minute is 429 with Retry-After', async () => {
    const ip = freshIp();
    const body = { items: [{ priceId: 'price_demo_tshirt_usd' }] };
    for (let i = 0; i < 2; i++) expect((await app.call(createIntentRoute, '/api/create-intent', jsonInit(body, {}, ip))).status).toBe(200);
    const res = await app.call(createIntentRoute, '/api/create-intent', jsonInit(body, {}, ip));
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectError(res, 429, 'rate_limited');
    expect((await app.call(createIntentRoute, '/api/create-intent', jsonInit(body))).status).toBe(200); // another address
  });

  it('connect-onboarding: limited per address too', async () => {
    const ip = freshIp();
    // Invalid bodies are refused before the limiter counts, so send valid ones.
    const body = (n: number) => ({ storeName: `Limit ${n}`, email: `s${n}@example.com`, country: 'US' });
    for (let i = 0; i < 2; i++) expect((await app.call(connectOnboardingRoute, '/api/connect-onboarding', jsonInit(body(i), {}, ip))).status).toBe(200);
    await expectError(await app.call(connectOnboardingRoute, '/api/connect-onboarding', jsonInit(body(3), {}, ip)), 429, 'rate_limited');
  });
});

describe('onboarding without its configuration', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { STATE_SIGNING_SECRET: undefined } });
  });
  afterAll(() => app.stop());

  it('answers 503 naming STATE_SIGNING_SECRET before any account is created', async () => {
    const res = await app.call(connectOnboardingRoute, '/api/connect-onboarding', jsonInit({ storeName: 'No Secret', email: 'n@example.com', country: 'US' }));
    const err = await expectError(res, 503, 'not_configured');
    expect(err.message).toContain('STATE_SIGNING_SECRET');
    const accounts = await fetch(`${app.emulator!.url}/v1/accounts`, { headers: { authorization: 'Bearer sk_test_emulator' } });
    expect(((await accounts.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
