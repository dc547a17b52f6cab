import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEventRoute, adminEventsRoute } from '../../lib/admin/events-route.js';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { encodeCursor } from '../../lib/admin/pagination.js';
import { resetConfig } from '../../lib/config/index.js';
import { healthRoute } from '../../lib/health/route.js';
import { invoke } from '../../lib/http/route.js';
import { routeTable } from '../../lib/routes.js';
import { storefrontRoute } from '../../lib/storefront/route.js';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { bearer, driver, insertEvents } from './support.js';

// Admin, health and deploy parity at their edges. Each `it` names the contract it checks.

describe('admin, health and deploy at the edges', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver });
  });
  afterAll(() => app.stop());

  describe('path parameters with malformed percent-encoding', () => {
    // SPEC: errors everywhere are `{"error": {code, message}}`; never a crash. `invoke` is what
    // every platform adapter (Vercel fetch, Netlify default export, dev server) awaits.
    const cases: Array<[string, Parameters<typeof invoke>[0], string, RequestInit]> = [
      ['GET /api/admin/events/:id', adminEventRoute, '/api/admin/events/%E0%A4%A', bearer()],
      ['POST /api/admin/events/:id/replay', adminReplayRoute, '/api/admin/events/%E0%A4%A/replay', { method: 'POST', ...bearer() }],
      ['GET /api/stores/:slug (public, no auth)', storefrontRoute, '/api/stores/%E0%A4%A', {}],
    ];
    it('the dev server answers the same malformed path with a 400 in the error shape', async () => {
      const { startAppServer } = await import('../../local/app-server.js');
      const server = await startAppServer({ port: 0 });
      try {
        const res = await fetch(`${server.url}/api/stores/%E0%A4%A`);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
      } finally {
        await server.close();
      }
    });

    it.each(cases)('%s answers 400/404 in the error shape instead of rejecting', async (_name, route, p, init) => {
      let res: Response | undefined;
      let thrown: unknown;
      try {
        res = await invoke(route, new Request(`http://localhost:3000${p}`, init), '203.0.113.1');
      } catch (err) {
        thrown = err;
      }
      expect(thrown, `invoke rejected with ${String(thrown)}`).toBeUndefined();
      expect([400, 404]).toContain(res!.status);
      const b = (await res!.json()) as { error: { code: string; message: string } };
      expect(b.error.code).toMatch(/^[a-z_]+$/);
    });
  });

  describe('GET /api/admin/events cursor validation', () => {
    it('a cursor whose timestamp is not a timestamp → 400 invalid_request, not a 500 from Postgres', async () => {
      await insertEvents(app.db, 3);
      const cursor = encodeCursor({ at: 'not-a-timestamp', id: 'evt_x' });
      const res = await app.call(adminEventsRoute, `/api/admin/events?limit=2&cursor=${cursor}`, bearer());
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(JSON.parse(text).error.code).toBe('invalid_request');
    });

    it('a cursor id with a NUL byte → 400, not a 500', async () => {
      const cursor = encodeCursor({ at: '2024-01-01T00:00:00.000000Z', id: 'evt_\u0000' });
      const res = await app.call(adminEventsRoute, `/api/admin/events?cursor=${cursor}`, bearer());
      const text = await res.text();
      expect(res.status, text).toBe(400);
    });
  });

  describe('GET /api/health', () => {
    it('with the database up, a malformed STRIPE_SECRET_KEY still answers {ok, db, redis, stripe} and not 503', async () => {
      const saved = process.env.STRIPE_SECRET_KEY;
      process.env.STRIPE_SECRET_KEY = 'not-a-stripe-key';
      resetConfig();
      try {
        const res = await invoke(healthRoute, new Request('http://localhost:3000/api/health'));
        const text = await res.text();
        // SPEC: 503 only when the database is unreachable; the body is always the health shape.
        expect(res.status, text).toBe(200);
        const b = JSON.parse(text);
        expect(Object.keys(b).sort()).toEqual(['db', 'ok', 'redis', 'stripe']);
        expect(b.db).toBe('ok');
      } finally {
        if (saved === undefined) delete process.env.STRIPE_SECRET_KEY;
        else process.env.STRIPE_SECRET_KEY = saved;
        resetConfig();
      }
    });
  });

  describe('guards', () => {
    it('every admin route refuses OPTIONS/HEAD without leaking data, and auth precedes any DB read', async () => {
      for (const [route, p] of [[adminEventsRoute, '/api/admin/events'], [adminEventRoute, '/api/admin/events/evt_x']] as const) {
        for (const method of ['OPTIONS', 'HEAD']) {
          const res = await app.call(route, p, { method });
          expect(res.status).toBe(405);
        }
        const res = await app.call(route, p, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}-nope` } });
        expect(res.status).toBe(401);
      }
    });

    it('every route in lib/routes.ts has a Vercel file and a Netlify function with the same path and Route', () => {
      const root = path.resolve(__dirname, '../..');
      const netlifyDir = path.join(root, 'netlify/functions');
      const netlify = new Map<string, string>();
      for (const f of readdirSync(netlifyDir)) {
        const src = readFileSync(path.join(netlifyDir, f), 'utf8');
        const m = /config: Config = \{ path: '([^']+)' \}/.exec(src);
        const r = /toNetlify\((\w+)\)/.exec(src);
        if (m && r) netlify.set(m[1]!, r[1]!);
      }
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
      const vercel = new Map<string, string>();
      for (const f of walk(path.join(root, 'api'))) {
        const rel = path.relative(root, f).replace(/\.ts$/, '').replace(/\/index$/, '');
        const pub = '/' + rel.replace(/\[(\w+)\]/g, ':$1');
        vercel.set(pub, /toVercel\((\w+)\)/.exec(readFileSync(f, 'utf8'))![1]!);
      }
      for (const { path: p } of routeTable) {
        expect(vercel.get(p), `vercel ${p}`).toBeDefined();
        expect(netlify.get(p), `netlify ${p}`).toBe(vercel.get(p));
      }
      expect([...vercel.keys()].sort()).toEqual(routeTable.map((r) => r.path).sort());
      expect([...netlify.keys()].sort()).toEqual(routeTable.map((r) => r.path).sort());
      const scheduled = readFileSync(path.join(netlifyDir, 'reconcile-scheduled.ts'), 'utf8');
      expect(scheduled).toMatch(/schedule: '@hourly'/);
      const vercelJson = JSON.parse(readFileSync(path.join(root, 'vercel.json'), 'utf8'));
      expect(vercelJson.crons).toEqual([{ path: '/api/cron/reconcile', schedule: '0 * * * *' }]);
    });
  });
});
