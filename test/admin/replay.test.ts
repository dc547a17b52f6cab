import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEventsRoute } from '../../lib/admin/events-route.js';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { adminStatsRoute } from '../../lib/admin/stats-route.js';
import { emailOutbox, entitlements, orders, webhookEvents } from '../../lib/db/schema.js';
import { webhookRoute } from '../../lib/webhook/route.js';
import { startTestApp, TEST_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { breakOrders, completedEventFor, orderBySession, purchase, repairOrders, sdkFor, signedDelivery } from './flow.js';
import { bearer, body, driver } from './support.js';

const replayPath = (id: string) => `/api/admin/events/${id}/replay`;

describe('POST /api/admin/events/:id/replay', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  async function snapshot() {
    return {
      orders: await app.db.select().from(orders).orderBy(orders.id),
      entitlements: await app.db.select().from(entitlements).orderBy(entitlements.id),
      outbox: await app.db.select().from(emailOutbox).orderBy(emailOutbox.id),
      events: await app.db.select().from(webhookEvents).orderBy(webhookEvents.id),
    };
  }

  it('401 without or with a wrong token; 404 for an unknown event', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer nope-nope-nope-nope-nope' }];
    for (const headers of attempts) {
      const res = await app.call(adminReplayRoute, replayPath('evt_x'), { method: 'POST', headers });
      expect((await body(res, 401)).error.code).toBe('unauthorized');
    }
    const res = await app.call(adminReplayRoute, replayPath('evt_unknown'), { method: 'POST', ...bearer() });
    expect((await body(res, 404)).error.code).toBe('not_found');
  });

  it('a failed event replayed after its cause is fixed is processed; replaying it again changes nothing', async () => {
    const sessionId = await purchase(app);
    const event = await completedEventFor(stripe, sessionId);
    await breakOrders(app.db);
    try {
      const delivered = await app.call(webhookRoute, '/api/webhook', signedDelivery(event, TEST_WEBHOOK_SECRET));
      expect(delivered.status).toBe(500);

      // The operator sees it failed, and why.
      const list: any = await body(await app.call(adminEventsRoute, '/api/admin/events?status=failed', bearer()));
      expect(list.data).toEqual([expect.objectContaining({ id: event.id, type: 'checkout.session.completed', status: 'failed', attempts: 1 })]);
      expect(list.data[0].lastError).toContain('read-only during maintenance');
      const stats: any = await body(await app.call(adminStatsRoute, '/api/admin/stats', bearer()));
      expect(stats.oldestFailedEvent).toMatchObject({ id: event.id, type: 'checkout.session.completed' });

      // Replaying before the fix fails again and counts the attempt.
      const again: any = await body(await app.call(adminReplayRoute, replayPath(event.id), { method: 'POST', ...bearer() }));
      expect(again.status).toBe('failed');
      const [row] = await app.db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
      expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    } finally {
      await repairOrders(app.db);
    }

    const replayed: any = await body(await app.call(adminReplayRoute, replayPath(event.id), { method: 'POST', ...bearer() }));
    expect(replayed).toEqual({ status: 'processed' });
    const order = await orderBySession(app.db, sessionId);
    expect(order).toMatchObject({ status: 'paid' });
    expect(order!.fulfilledAt).not.toBeNull();
    const [row] = await app.db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(row).toMatchObject({ status: 'processed', attempts: 3, lastError: null, source: 'replay' });
    expect(await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order!.id))).toHaveLength(1);

    const before = await snapshot();
    const dup: any = await body(await app.call(adminReplayRoute, replayPath(event.id), { method: 'POST', ...bearer() }));
    expect(dup).toEqual({ status: 'duplicate' });
    expect(await snapshot()).toEqual(before);
  });

  it('duplicate webhooks and the success page racing the webhook still queue exactly one email', async () => {
    const sessionId = await purchase(app);
    const event = await completedEventFor(stripe, sessionId);
    const { orderStatusRoute } = await import('../../lib/checkout/order-status-route.js');
    const results = await Promise.all([
      app.call(webhookRoute, '/api/webhook', signedDelivery(event, TEST_WEBHOOK_SECRET)),
      app.call(webhookRoute, '/api/webhook', signedDelivery(event, TEST_WEBHOOK_SECRET)),
      app.call(orderStatusRoute, `/api/order-status?session_id=${sessionId}`),
      app.call(webhookRoute, '/api/webhook', signedDelivery(event, TEST_WEBHOOK_SECRET)),
      app.call(orderStatusRoute, `/api/order-status?session_id=${sessionId}`),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const statuses = await Promise.all(results.slice(0, 2).concat(results[3]!).map((r) => r.json() as Promise<{ status: string }>));
    expect(statuses.map((s) => s.status).sort()).toEqual(['duplicate', 'duplicate', 'processed']);
    const order = await orderBySession(app.db, sessionId);
    expect(order).toMatchObject({ status: 'paid' });
    expect(await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order!.id))).toHaveLength(1);
  });
});
