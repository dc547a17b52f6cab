import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { orders, stores, type OrderItem, type OrderStatus } from '../db/schema.js';
import { forwardStatus, settledStatuses } from './order-status.js';
import type { Order } from './payment-order.js';
import { Claim } from '../webhook/claim.js';

/**
 * One statement: absorbs an order that a charge or PaymentIntent created before the session
 * was seen (same payment intent, no session yet) and upserts the session's order with what
 * both knew. Status is the furthest the graph allows from either; refunds and fees recorded
 * by the payment survive. The absorbed row was never fulfilled: it had no line items.
 */
export async function upsertSessionOrder(
  tx: Db, session: Stripe.Checkout.Session, items: OrderItem[], status: OrderStatus,
  opts: { eventCreated: number | null; account: string | null; claim?: Claim },
): Promise<Order> {
  const pi = idOf(session.payment_intent);
  const absorbed = tx.$with('absorbed', { status: sql<string>`status` }).as(sql`
    delete from ${orders} where ${orders.paymentIntentId} = ${pi}
      and ${orders.checkoutSessionId} is null and ${orders.fulfilledAt} is null
    returning *`);
  const from = (col: string): SQL => (pi ? sql`(select ${sql.raw(col)} from absorbed)` : sql`null`);
  const settled = settledStatuses.includes(status);
  const claim = opts.claim?.cte(tx);
  const ctes = [...(claim ? [claim] : []), ...(pi ? [absorbed] : [])];
  const query = (ctes.length ? tx.with(...ctes) : tx).insert(orders).values({
    checkoutSessionId: session.id,
    paymentIntentId: pi,
    subscriptionStripeId: idOf(session.subscription),
    customerStripeId: idOf(session.customer),
    email: session.customer_details?.email ?? session.customer_email,
    mode: session.mode === 'subscription' ? 'subscription' : 'payment',
    status: forwardStatus(status, sql`coalesce(${from('status')}, 'open')`),
    currency: session.currency ?? 'usd',
    amountSubtotal: session.amount_subtotal,
    amountTotal: session.amount_total ?? 0,
    amountRefunded: sql`coalesce(${from('amount_refunded')}, 0)`,
    applicationFeeAmount: from('application_fee_amount'),
    chargeId: from('charge_id'),
    receiptUrl: from('receipt_url'),
    storeId: sql`coalesce(${from('store_id')}, ${storeOf(opts.account ?? session.metadata?.store_account_id)})::bigint`,
    items,
    paidAt: settled ? sql`now()` : from('paid_at'),
    refundedAt: from('refunded_at'),
    lastEventAt: claim ? Claim.marker(opts.eventCreated) : opts.eventCreated,
  });
  const [order] = await query
    .onConflictDoUpdate({
      target: orders.checkoutSessionId,
      set: {
        paymentIntentId: sql`coalesce(${orders.paymentIntentId}, excluded.payment_intent_id)`,
        subscriptionStripeId: sql`coalesce(${orders.subscriptionStripeId}, excluded.subscription_stripe_id)`,
        customerStripeId: sql`coalesce(excluded.customer_stripe_id, ${orders.customerStripeId})`,
        email: sql`coalesce(excluded.email, ${orders.email})`,
        status: forwardStatus(sql`excluded.status`),
        amountSubtotal: sql`coalesce(excluded.amount_subtotal, ${orders.amountSubtotal})`,
        amountTotal: sql`excluded.amount_total`,
        amountRefunded: sql`greatest(${orders.amountRefunded}, excluded.amount_refunded)`,
        applicationFeeAmount: sql`coalesce(${orders.applicationFeeAmount}, excluded.application_fee_amount)`,
        chargeId: sql`coalesce(${orders.chargeId}, excluded.charge_id)`,
        receiptUrl: sql`coalesce(excluded.receipt_url, ${orders.receiptUrl})`,
        storeId: sql`coalesce(${orders.storeId}, excluded.store_id)`,
        items: sql`case when jsonb_array_length(excluded.items) > 0 then excluded.items else ${orders.items} end`,
        paidAt: sql`coalesce(${orders.paidAt}, excluded.paid_at)`,
        refundedAt: sql`coalesce(${orders.refundedAt}, excluded.refunded_at)`,
        lastEventAt: sql`greatest(${orders.lastEventAt}, excluded.last_event_at)`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ ...getTableColumns(orders), claimed: claim ? Claim.claimedColumn : sql<number>`1` });
  if (claim) opts.claim!.folded(order?.claimed);
  const { claimed: _, ...row } = order!;
  return row;
}

// Direct charges on a connected account come with `event.account`; the checkout route may
// also name the store's account in the session metadata.
function storeOf(account: string | undefined | null): SQL {
  return account ? sql`(select ${stores.id} from ${stores} where ${stores.accountId} = ${account})` : sql`null`;
}

export function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : ref.id;
}
