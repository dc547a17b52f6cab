import { and, desc, eq, lt } from 'drizzle-orm';
import * as z from 'zod/mini';
import { getDb } from '../db/client.js';
import { orders, orderStatuses } from '../db/schema.js';
import { parseQuery } from '../http/body.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { requireBearer } from './auth.js';
import { decodeCursor, idCursor, page, pageQuery } from './pagination.js';

const query = z.object({ ...pageQuery, status: z.optional(z.enum(orderStatuses)) });

export const adminOrdersRoute = defineRoute({
  path: '/api/admin/orders',
  methods: {
    async GET(req) {
      requireBearer(req, 'ADMIN_TOKEN');
      const { limit, cursor, status } = parseQuery(req, query);
      const after = decodeCursor(cursor, idCursor);
      const db = await getDb();
      const rows = await db
        .select({
          id: orders.id, status: orders.status, mode: orders.mode, storeId: orders.storeId, email: orders.email,
          currency: orders.currency, amountTotal: orders.amountTotal, amountRefunded: orders.amountRefunded,
          applicationFeeAmount: orders.applicationFeeAmount, items: orders.items,
          checkoutSessionId: orders.checkoutSessionId, paymentIntentId: orders.paymentIntentId,
          chargeId: orders.chargeId, customerStripeId: orders.customerStripeId,
          paidAt: orders.paidAt, fulfilledAt: orders.fulfilledAt, refundedAt: orders.refundedAt,
          createdAt: orders.createdAt, updatedAt: orders.updatedAt,
        })
        .from(orders)
        .where(and(status ? eq(orders.status, status) : undefined, after ? lt(orders.id, after.id) : undefined))
        .orderBy(desc(orders.id))
        .limit(limit + 1);
      return json(page(rows, limit, (r) => ({ id: r.id }), (r) => r));
    },
  },
});
