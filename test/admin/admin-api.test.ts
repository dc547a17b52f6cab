import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { customers, stores } from '../../lib/db/schema.js';
import { adminCustomersRoute } from '../../lib/admin/customers-route.js';
import { adminEventRoute, adminEventsRoute } from '../../lib/admin/events-route.js';
import { adminOrdersRoute } from '../../lib/admin/orders-route.js';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { reconcileRoute } from '../../lib/reconcile/route.js';
import { adminStatsRoute } from '../../lib/admin/stats-route.js';
import { adminStoresRoute } from '../../lib/admin/stores-route.js';
import type { Route } from '../../lib/http/route.js';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { bearer, body, driver, insertEvents, insertOrders } from './support.js';

const lists: Array<[string, Route, string?]> = [
  ['/api/admin/stores', adminStoresRoute],
  ['/api/admin/orders', adminOrdersRoute],
  ['/api/admin/customers', adminCustomersRoute],
  ['/api/admin/events', adminEventsRoute],
  ['/api/admin/stats', adminStatsRoute],
  ['/api/admin/events/evt_missing', adminEventRoute],
  ['/api/admin/events/evt_missing/replay', adminReplayRoute, 'POST'],
];

describe('admin API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver });
  });
  afterAll(() => app.stop());

  describe('authorisation', () => {
    const wrong: Array<[string, Record<string, string>]> = [
      ['no header', {}],
      ['wrong token', { authorization: 'Bearer not-the-admin-token-at-all' }],
      ['token prefix', { authorization: `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}` }],
      ['token with extra', { authorization: `Bearer ${TEST_ADMIN_TOKEN}x` }],
      ['basic scheme', { authorization: `Basic ${TEST_ADMIN_TOKEN}` }],
      ['bare token', { authorization: TEST_ADMIN_TOKEN }],
    ];
    for (const [path, route, method] of lists) {
      it.each(wrong)(`${path}: %s → 401`, async (_name, headers) => {
        const res = await app.call(route, path, { method, headers });
        const b = await body(res, 401);
        expect(b.error.code).toBe('unauthorized');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      });
    }

    it.each(wrong)('/api/cron/reconcile: %s (or the admin token) → 401', async (_name, headers) => {
      for (const h of [headers, bearer().headers as Record<string, string>]) {
        const b = await body(await app.call(reconcileRoute, '/api/cron/reconcile', { headers: h }), 401);
        expect(b.error.code).toBe('unauthorized');
      }
    });

    it('503 naming ADMIN_TOKEN when none is configured', async () => {
      const saved = process.env.ADMIN_TOKEN;
      delete process.env.ADMIN_TOKEN;
      resetConfig();
      try {
        const res = await app.call(adminOrdersRoute, '/api/admin/orders', bearer());
        const b = await body(res, 503);
        expect(b.error.message).toContain('ADMIN_TOKEN');
      } finally {
        process.env.ADMIN_TOKEN = saved;
        resetConfig();
      }
    });

    it('the right token is accepted on every route', async () => {
      for (const [path, route, method] of lists) {
        const res = await app.call(route, path, { method, ...bearer() });
        expect(res.status, path).toBe(path.includes('evt_missing') ? 404 : 200);
      }
    });
  });

  describe('pagination', () => {
    it('orders: every row exactly once across pages while new rows arrive, newest first', async () => {
      const before = await insertOrders(app.db, 23);
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `?limit=5${cursor ? `&cursor=${cursor}` : ''}`;
        const b: any = await body(await app.call(adminOrdersRoute, `/api/admin/orders${q}`, bearer()));
        expect(b.data.length).toBeLessThanOrEqual(5);
        const ids = b.data.map((o: any) => o.id);
        expect(ids).toEqual([...ids].sort((x, y) => y - x));
        seen.push(...ids);
        cursor = b.nextCursor;
        await insertOrders(app.db, 2); // arrive between page fetches
        pages++;
      } while (cursor && pages < 50);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort((a, b) => a - b)).toEqual(expect.arrayContaining(before));
      // Rows that arrived mid-walk sort before the first page and are not in this walk.
      expect(seen.filter((id) => !before.includes(id))).toEqual([]);
    });

    it('events: keyset on (received_at, id) is exact even when every row shares received_at', async () => {
      const before = await insertEvents(app.db, 17);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
        const b: any = await body(await app.call(adminEventsRoute, `/api/admin/events${q}`, bearer()));
        seen.push(...b.data.map((e: any) => e.id));
        cursor = b.nextCursor;
        await insertEvents(app.db, 3);
        pages++;
      } while (cursor && pages < 50);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual([...before].sort());
    });

    it('stores and customers page by id', async () => {
      for (let i = 0; i < 7; i++) {
        await app.db.insert(stores).values({ accountId: `acct_page_${i}`, slug: `page-${i}`, name: `S${i}`, settings: { currency: 'usd', feeBps: 250 } });
        // Odd ones belong to a connected account: its store is named when there is one.
        await app.db.insert(customers).values({ stripeId: `cus_page_${i}`, email: `c${i}@example.com`, accountId: i % 2 ? `acct_page_${i}` : null });
      }
      await app.db.insert(customers).values({ stripeId: 'cus_page_no_store', accountId: 'acct_page_none' });
      const listed: any = await body(await app.call(adminCustomersRoute, '/api/admin/customers?limit=100', bearer()));
      const byId = new Map(listed.data.map((c: any) => [c.stripeId, c]));
      const [store1] = await app.db.select().from(stores).where(eq(stores.accountId, 'acct_page_1'));
      expect(byId.get('cus_page_1')).toMatchObject({ accountId: 'acct_page_1', storeId: store1!.id });
      expect(byId.get('cus_page_2')).toMatchObject({ accountId: null, storeId: null });
      expect(byId.get('cus_page_no_store')).toMatchObject({ accountId: 'acct_page_none', storeId: null });
      await app.db.delete(customers).where(eq(customers.stripeId, 'cus_page_no_store'));
      for (const [path, route] of [['/api/admin/stores', adminStoresRoute], ['/api/admin/customers', adminCustomersRoute]] as const) {
        const first: any = await body(await app.call(route, `${path}?limit=4`, bearer()));
        const second: any = await body(await app.call(route, `${path}?limit=4&cursor=${first.nextCursor}`, bearer()));
        expect(first.data).toHaveLength(4);
        expect(second.data).toHaveLength(3);
        expect(second.nextCursor).toBeNull();
      }
    });

    it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['cursor=garbage'], ['cursor=eyJpZCI6LTF9'], ['status=shipped']])(
      'bad query %s → 400',
      async (q) => {
        const b = await body(await app.call(adminOrdersRoute, `/api/admin/orders?${q}`, bearer()), 400);
        expect(b.error.code).toBe('invalid_request');
      },
    );

    it('default limit is 25', async () => {
      await insertOrders(app.db, 30);
      const b: any = await body(await app.call(adminOrdersRoute, '/api/admin/orders', bearer()));
      expect(b.data).toHaveLength(25);
      expect(b.nextCursor).toEqual(expect.any(String));
    });
  });

  describe('filters and stats', () => {
    it('orders filter by status; events by status and type; the list has no payload', async () => {
      const refunded = await insertOrders(app.db, 2, 'refunded');
      const o: any = await body(await app.call(adminOrdersRoute, '/api/admin/orders?status=refunded', bearer()));
      expect(o.data.map((r: any) => r.id).sort()).toEqual(refunded.sort());

      const failed = await insertEvents(app.db, 2, { status: 'failed', type: 'charge.refunded', lastError: 'Error: boom' });
      await insertEvents(app.db, 1, { status: 'processed', type: 'charge.refunded' });
      const e: any = await body(await app.call(adminEventsRoute, '/api/admin/events?status=failed&type=charge.refunded', bearer()));
      expect(e.data.map((r: any) => r.id).sort()).toEqual(failed.sort());
      const row = e.data[0];
      expect(Object.keys(row).sort()).toEqual(
        ['accountId', 'attempts', 'id', 'lastError', 'processedAt', 'receivedAt', 'source', 'status', 'stripeCreated', 'type'].sort(),
      );
      expect(row.lastError).toBe('Error: boom');

      const one: any = await body(await app.call(adminEventRoute, `/api/admin/events/${failed[0]}`, bearer()));
      expect(one.data.payload.id).toBe(failed[0]);
    });

    it('stats: counts by order and event status, and the oldest failed event', async () => {
      const s: any = await body(await app.call(adminStatsRoute, '/api/admin/stats', bearer()));
      expect(s.orders.byStatus.refunded).toBe(2);
      expect(s.orders.total).toBe(Object.values(s.orders.byStatus as Record<string, number>).reduce((a, b) => a + b, 0));
      expect(s.events.byStatus.failed).toBe(2);
      expect(s.oldestFailedEvent).toMatchObject({ type: 'charge.refunded', lastError: 'Error: boom' });
      expect(s.oldestFailedEvent.id).toMatch(/^evt_test_/);
      expect(s.oldestFailedEvent.receivedAt).toEqual(expect.any(String));
    });
  });
});
