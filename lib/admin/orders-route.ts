import { eq } from 'drizzle-orm';
import * as z from 'zod/mini';
import { orders, orderStatuses } from '../db/schema.js';
import { idListRoute } from './id-list-route.js';

export const adminOrdersRoute = idListRoute({
  path: '/api/admin/orders',
  table: orders,
  fields: {
    id: orders.id, status: orders.status, mode: orders.mode, storeId: orders.storeId, email: orders.email,
    currency: orders.currency, amountTotal: orders.amountTotal, amountRefunded: orders.amountRefunded,
    applicationFeeAmount: orders.applicationFeeAmount, items: orders.items,
    checkoutSessionId: orders.checkoutSessionId, paymentIntentId: orders.paymentIntentId,
    chargeId: orders.chargeId, customerStripeId: orders.customerStripeId,
    paidAt: orders.paidAt, fulfilledAt: orders.fulfilledAt, refundedAt: orders.refundedAt,
    createdAt: orders.createdAt, updatedAt: orders.updatedAt,
  },
  filters: { status: z.optional(z.enum(orderStatuses)) },
  where: ({ status }) => (status ? eq(orders.status, status) : undefined),
});
