import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { healthRoute } from '../../lib/health/route.js';
import { invoke } from '../../lib/http/route.js';
import { startUpstashBridge, type UpstashBridge } from '../../local/upstash-bridge.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { setEnv } from '../support/env.js';

const get = (method = 'GET') => invoke(healthRoute, new Request('http://localhost/api/health', { method }));

describe('GET /api/health', () => {
  afterEach(() => setEnv({}));

  it('is ok on embedded defaults: PGlite, in-memory cache, the Stripe emulator', async () => {
    await setEnv({ PGLITE_DATA_DIR: 'memory://' });
    const res = await get();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: 'ok', redis: 'memory', stripe: 'emulator' });
  });

  it('answers 503 with db failing when DATABASE_URL points at a closed port', async () => {
    await setEnv({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:9/nothing', DATABASE_DRIVER: 'pg' });
    const res = await get();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, db: 'error' });
  });

  it('reports the Stripe mode from the key without calling Stripe', async () => {
    const closed = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:9/x', DATABASE_DRIVER: 'pg' };
    await setEnv({ ...closed, STRIPE_SECRET_KEY: 'sk_live_' + 'x'.repeat(24) });
    expect(await (await get()).json()).toMatchObject({ stripe: 'live' });
    await setEnv({ ...closed, STRIPE_SECRET_KEY: 'sk_test_' + 'x'.repeat(24) });
    expect(await (await get()).json()).toMatchObject({ stripe: 'test' });
  });

  it('refuses other methods with 405 and Allow', async () => {
    const res = await get('POST');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(await res.json()).toEqual({ error: { code: 'method_not_allowed', message: 'Use GET.' } });
  });
});

describe.runIf(inject('postgres') && inject('redis'))('GET /api/health on real services', () => {
  let database: TestDatabase;
  let bridge: UpstashBridge;
  beforeAll(async () => {
    database = await createTestDatabase('neon');
    bridge = await startUpstashBridge();
  });
  afterAll(async () => {
    await setEnv({});
    await bridge.close();
    await database.drop();
  });

  it('pings Postgres through the Neon driver and Redis through Upstash', async () => {
    await setEnv({ ...database.env, UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token });
    const res = await get();
    expect(await res.json()).toEqual({ ok: true, db: 'ok', redis: 'ok', stripe: 'emulator' });
  });

  it('reports redis as failing, but stays 200, when the Upstash token is wrong', async () => {
    await setEnv({ ...database.env, UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: 'wrong' });
    const res = await get();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, db: 'ok', redis: 'error' });
  });
});
