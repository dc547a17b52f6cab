import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../../lib/http/log.js';
import { setEnv } from '../support/env.js';

// The hourly Netlify scheduled function (netlify/functions/reconcile-scheduled.ts) is a deployed
// function too, but it does not go through toNetlify, so it is never marked deployed: without
// DATABASE_URL it starts the embedded database (on a read-only function disk: an EROFS error
// every hour, or a throwaway database), instead of naming the missing variable.
describe('Netlify scheduled reconcile without DATABASE_URL', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'scheduled-no-db-'));
  const dataDir = path.join(parent, 'should-not-be-created');
  afterAll(async () => {
    await setEnv({});
    rmSync(parent, { recursive: true, force: true });
  });

  it('logs DATABASE_URL is not set and starts no embedded database (as the route adapters do)', async () => {
    await setEnv({
      STRIPE_SECRET_KEY: 'sk_test_deployed_without_db',
      STRIPE_API_BASE: 'http://127.0.0.1:9',
      PGLITE_DATA_DIR: dataDir,
    });
    const lines: string[] = [];
    const prev = setLogSink((line) => lines.push(line));
    try {
      const { default: scheduled } = await import('../../netlify/functions/reconcile-scheduled.js');
      const res = await scheduled();
      expect(res.status).toBe(204);
    } finally {
      setLogSink(prev);
    }
    const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.route === 'reconcile-scheduled');
    expect(existsSync(dataDir), 'the embedded database was started on a deployed function').toBe(false);
    expect(String(entry?.error)).toContain('DATABASE_URL is not set');
  }, 60_000);
});
