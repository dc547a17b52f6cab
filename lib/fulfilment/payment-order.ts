import { getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { orders, stores, type OrderStatus } from '../db/schema.js';
import { fulfil, fulfilmentDue, revokeEntitlements } from './fulfil.js';
import { forwardStatus } from './order-status.js';
import { Claim } from '../webhook/claim.js';

export type Order = typeof orders.$inferSelect;

/** What a PaymentIntent, charge, refund or dispute tells us about the order it pays for. */
export interface PaymentFacts {
  paymentIntentId: string;
  status: OrderStatus;
  currency: string;
  amount: number;
  chargeId?: string | null;
  receiptUrl?: string | null;
  email?: string | null;
  customerStripeId?: string | null;
  /** Connect account the money goes to: `event.account`, `transfer_data.destination` or `on_behalf_of`. */
  storeAccountId?: string | null;
  applicationFeeAmount?: number | null;
  amountRefunded?: number;
  eventCreated: number | null;
}

/**
 * Upserts the order keyed by payment intent in one statement (SPEC promise 8: a payment can be
 * seen before its order; the checkout session joins it later by payment intent id). Status
 * only moves forward; refunds are cumulative so the larger `amount_refunded` wins.
 */
export async function applyPayment(tx: Db, f: PaymentFacts, claim?: Claim): Promise<Order> {
  const storeId = f.storeAccountId
    ? sql`(select ${stores.id} from ${stores} where ${stores.accountId} = ${f.storeAccountId})`
    : sql`null`;
  const settled = f.status === 'paid' || f.status === 'partially_refunded' || f.status === 'refunded';
  const cte = claim?.cte(tx);
  const [order] = await (cte ? tx.with(cte) : tx)
    .insert(orders)
    .values({
      paymentIntentId: f.paymentIntentId,
      chargeId: f.chargeId ?? null,
      storeId,
      customerStripeId: f.customerStripeId ?? null,
      email: f.email ?? null,
      status: f.status,
      currency: f.currency,
      amountTotal: f.amount,
      amountRefunded: f.amountRefunded ?? 0,
      applicationFeeAmount: f.applicationFeeAmount ?? null,
      receiptUrl: f.receiptUrl ?? null,
      paidAt: settled ? sql`now()` : null,
      refundedAt: f.status === 'refunded' ? sql`now()` : null,
      lastEventAt: cte ? Claim.marker(f.eventCreated) : f.eventCreated,
    })
    .onConflictDoUpdate({
      target: orders.paymentIntentId,
      set: {
        status: forwardStatus(f.status),
        chargeId: sql`coalesce(${orders.chargeId}, excluded.charge_id)`,
        storeId: sql`coalesce(${orders.storeId}, excluded.store_id)`,
        customerStripeId: sql`coalesce(${orders.customerStripeId}, excluded.customer_stripe_id)`,
        email: sql`coalesce(${orders.email}, excluded.email)`,
        amountRefunded: sql`greatest(${orders.amountRefunded}, excluded.amount_refunded)`,
        applicationFeeAmount: sql`coalesce(excluded.application_fee_amount, ${orders.applicationFeeAmount})`,
        receiptUrl: sql`coalesce(excluded.receipt_url, ${orders.receiptUrl})`,
        paidAt: sql`coalesce(${orders.paidAt}, excluded.paid_at)`,
        refundedAt: sql`coalesce(${orders.refundedAt}, excluded.refunded_at)`,
        lastEventAt: sql`greatest(${orders.lastEventAt}, excluded.last_event_at)`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ ...getTableColumns(orders), claimed: cte ? Claim.claimedColumn : sql<number>`1` });
  if (cte) claim!.folded(order?.claimed);
  const { claimed: _, ...row } = order!;
  await settle(tx, row);
  return row;
}

/** After any status change: fulfil what became paid, take back what became fully refunded. */
export async function settle(tx: Db, order: Order): Promise<void> {
  if (fulfilmentDue(order)) await fulfil(tx, order.id, order);
  else if (order.status === 'refunded' && order.fulfilledAt !== null) await revokeEntitlements(tx, order.id);
}
