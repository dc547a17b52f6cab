import { asc, count, eq } from 'drizzle-orm';
import { getDb } from '../db/client.js';
import { orders, webhookEvents } from '../db/schema.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { requireBearer } from './auth.js';

// What on-call looks at first: do orders and events look healthy, and what failed longest ago.
export const adminStatsRoute = defineRoute({
  path: '/api/admin/stats',
  methods: {
    async GET(req) {
      requireBearer(req, 'ADMIN_TOKEN');
      const db = await getDb();
      const [orderCounts, eventCounts, oldest] = await Promise.all([
        db.select({ status: orders.status, n: count() }).from(orders).groupBy(orders.status),
        db.select({ status: webhookEvents.status, n: count() }).from(webhookEvents).groupBy(webhookEvents.status),
        db
          .select({
            id: webhookEvents.id, type: webhookEvents.type, receivedAt: webhookEvents.receivedAt,
            lastError: webhookEvents.lastError, attempts: webhookEvents.attempts,
          })
          .from(webhookEvents)
          .where(eq(webhookEvents.status, 'failed'))
          .orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id))
          .limit(1),
      ]);
      return json({
        orders: { byStatus: toCounts(orderCounts), total: sum(orderCounts) },
        events: { byStatus: toCounts(eventCounts), total: sum(eventCounts) },
        oldestFailedEvent: oldest[0] ?? null,
      });
    },
  },
});

function toCounts(rows: Array<{ status: string; n: number }>): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

function sum(rows: Array<{ n: number }>): number {
  return rows.reduce((t, r) => t + Number(r.n), 0);
}
