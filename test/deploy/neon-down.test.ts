import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { resetConfig } from '../../lib/config/index.js';
import { closeDb } from '../../lib/db/client.js';
import { resetRateLimiters } from '../../lib/kv/rate-limit.js';
import { toNetlify } from '../../lib/platform/netlify.js';
import { toVercel } from '../../lib/platform/vercel.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { setEnv } from '../support/env.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Production's driver (Neon's Pool over WebSocket). When the WebSocket cannot be opened (the
// endpoint unreachable, DNS failing, Neon's proxy down), the driver rejects with a ws
// `ErrorEvent`, not an Error: the code (ECONNREFUSED, ENOTFOUND…) sits in `.error`.
describe('Neon driver: database unreachable at the WebSocket', () => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await startTestApp({ driver: 'neon', emulator: true });
    await closeDb();
    port = await closedPort();
    process.env.DATABASE_DRIVER = 'neon';
    process.env.NEON_WS_PROXY = `127.0.0.1:${port}/v1`;
    resetConfig();
    resetRateLimiters();
  });
  afterAll(async () => {
    await closeDb();
    await app.stop();
  });

  it('order-status answers 503 unavailable (SPEC: 503 dependency down), as it does on the pg driver', async () => {
    const res = await app.call(orderStatusRoute, '/api/order-status?session_id=cs_test_abc123', { ip: '198.51.100.7' });
    const text = await res.text();
    expect(res.status, text).toBe(503);
  });
});

// A deployment whose DATABASE_URL was never set: the embedded database is for `npm run dev`, and
// on a function's read-only disk it would only fail with 500s.
describe('a deployed function without DATABASE_URL', () => {
  afterAll(() => setEnv({}));

  it('answers 503 naming the variable on Vercel and Netlify, and starts no embedded database', async () => {
    await setEnv({ STRIPE_SECRET_KEY: 'sk_test_deployed_without_db', PGLITE_DATA_DIR: '/nonexistent/should-not-be-created' });
    const url = '/api/order-status?session_id=cs_test_nodb123';
    const vercel = await toVercel(orderStatusRoute).fetch(new Request(`https://shop.example.com${url}`));
    const netlify = await toNetlify(orderStatusRoute)(new Request(`https://shop.example.com${url}`), { ip: '198.51.100.8' } as never);
    for (const res of [vercel, netlify]) {
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: 'not_configured', message: 'DATABASE_URL is not set on the server.' } });
    }
    expect(existsSync('/nonexistent/should-not-be-created')).toBe(false);
  });
});
