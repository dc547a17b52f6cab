import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { p } from '../db/prepared.js';
import type { orders, OrderStatus } from '../db/schema.js';
import { confirmLate, fulfil, fulfilmentDue, revokeEntitlements } from './fulfil.js';
import { forwardStatus, settledList } from './order-status.js';
import { claimingStatement, type Claim } from '../webhook/claim.js';

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
  /** False when `amount` is only part of the payment (a dispute): it then never replaces the total. */
  amountIsTotal?: boolean;
  eventCreated: number | null;
}

// Status moves are checked in SQL (forwardStatus) so that concurrent or stale writers cannot
// move an order backwards; a settled status stamps paid_at, a full refund refunded_at.
// The total of an order without a session (its own total wins) follows the settled payment,
// whose amount is final: a dispute seen first only knew the disputed part. `email_learned`:
// the buyer's email arrived with this event (settle sends a late confirmation).
const upsertPaymentOrder = claimingStatement<Record<string, unknown>>('orders_payment', (claim) => sql`with ${claim.cte}prev as (
    select email from orders where payment_intent_id = ${p('paymentIntentId')}
  )
  insert into orders (payment_intent_id, charge_id, store_id, store_account_id, customer_stripe_id, email, status, currency, amount_total,
    amount_refunded, application_fee_amount, receipt_url, paid_at, refunded_at, last_event_at)
  values (${p('paymentIntentId')}, ${p('chargeId')}, (select id from stores where account_id = ${p('storeAccountId')}), ${p('storeAccountId')},
    ${p('customerStripeId')}, ${p('email')}, ${p('status')}, ${p('currency')}, ${p('amount')}, ${p('amountRefunded')},
    ${p('applicationFeeAmount')}, ${p('receiptUrl')},
    case when ${p('status')} in (${settledList}) then now() end, case when ${p('status')} = 'refunded' then now() end,
    ${claim.marker(sql`${p('eventCreated')}::bigint`)})
  on conflict (payment_intent_id) do update set
    status = ${forwardStatus(sql`excluded.status`, undefined, sql`coalesce(excluded.last_event_at > orders.last_event_at, true)`)},
    charge_id = coalesce(orders.charge_id, excluded.charge_id),
    store_id = coalesce(orders.store_id, excluded.store_id),
    store_account_id = coalesce(orders.store_account_id, excluded.store_account_id),
    customer_stripe_id = coalesce(orders.customer_stripe_id, excluded.customer_stripe_id),
    email = coalesce(orders.email, excluded.email),
    amount_total = case when ${p('amountIsTotal')}::boolean and excluded.status in (${settledList})
      and orders.checkout_session_id is null then excluded.amount_total else orders.amount_total end,
    amount_refunded = greatest(orders.amount_refunded, excluded.amount_refunded),
    application_fee_amount = coalesce(excluded.application_fee_amount, orders.application_fee_amount),
    receipt_url = coalesce(excluded.receipt_url, orders.receipt_url),
    paid_at = coalesce(orders.paid_at, excluded.paid_at),
    refunded_at = coalesce(orders.refunded_at, excluded.refunded_at),
    last_event_at = greatest(orders.last_event_at, excluded.last_event_at),
    updated_at = now()
  returning *, ${p('email')}::text is not null and (select email from prev) is null as email_learned, ${claim.claimed} as claimed`);

/**
 * Upserts the order keyed by payment intent in one statement (SPEC promise 8: a payment can be
 * seen before its order; the checkout session joins it later by payment intent id). Status
 * only moves forward; refunds are cumulative so the larger `amount_refunded` wins.
 */
export async function applyPayment(tx: Db, f: PaymentFacts, claim?: Claim): Promise<Order> {
  const row = await upsertPaymentOrder(tx, {
    paymentIntentId: f.paymentIntentId,
    chargeId: f.chargeId ?? null,
    storeAccountId: f.storeAccountId ?? null,
    customerStripeId: f.customerStripeId ?? null,
    email: f.email ?? null,
    status: f.status,
    currency: f.currency,
    amount: f.amount,
    amountRefunded: f.amountRefunded ?? 0,
    amountIsTotal: f.amountIsTotal ?? true,
    applicationFeeAmount: f.applicationFeeAmount ?? null,
    receiptUrl: f.receiptUrl ?? null,
    eventCreated: f.eventCreated,
  }, claim);
  const order = orderFromRow(row!);
  await settle(tx, order, row!.email_learned === true);
  return order;
}

/** A raw `orders` row (snake_case; bigint, jsonb and timestamps as the driver returns them) as drizzle would map it. */
export function orderFromRow(r: Record<string, unknown>): Order {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));
  const items = typeof r.items === 'string' ? JSON.parse(r.items) : r.items;
  return {
    id: Number(r.id),
    checkoutSessionId: r.checkout_session_id as string | null,
    paymentIntentId: r.payment_intent_id as string | null,
    chargeId: r.charge_id as string | null,
    subscriptionStripeId: r.subscription_stripe_id as string | null,
    storeId: num(r.store_id),
    storeAccountId: r.store_account_id as string | null,
    customerStripeId: r.customer_stripe_id as string | null,
    email: r.email as string | null,
    mode: r.mode as Order['mode'],
    status: r.status as Order['status'],
    currency: r.currency as string,
    amountSubtotal: num(r.amount_subtotal),
    amountTotal: Number(r.amount_total),
    amountRefunded: Number(r.amount_refunded),
    applicationFeeAmount: num(r.application_fee_amount),
    items: (items ?? []) as Order['items'],
    receiptUrl: r.receipt_url as string | null,
    paidAt: date(r.paid_at),
    fulfilledAt: date(r.fulfilled_at),
    refundedAt: date(r.refunded_at),
    lastEventAt: num(r.last_event_at),
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
  };
}

/**
 * After any status change: fulfil what became paid, take back what became fully refunded.
 * An order fulfilled before its buyer's email was known gets its confirmation now.
 */
export async function settle(tx: Db, order: Order, emailLearned = false): Promise<void> {
  if (fulfilmentDue(order)) await fulfil(tx, order.id, order);
  else if (order.status === 'refunded' && order.fulfilledAt !== null) await revokeEntitlements(tx, order.id);
  if (emailLearned && order.fulfilledAt !== null) await confirmLate(tx, order);
}
