import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { resetConfig } from '../../lib/config/index.js';
import { closeDb } from '../../lib/db/client.js';
import { resetRateLimiters } from '../../lib/kv/rate-limit.js';
import { startTestApp, type TestApp } from '../support/app.js';

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
