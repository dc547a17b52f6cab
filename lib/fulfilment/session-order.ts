import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { p } from '../db/prepared.js';
import type { OrderItem, OrderStatus } from '../db/schema.js';
import { emailValues, fulfilmentDueSql, fulfilmentEffects } from './fulfil.js';
import { forwardStatus, settledList } from './order-status.js';
import { orderFromRow, type Order } from './payment-order.js';
import { claimingStatement, type Claim } from '../webhook/claim.js';

// The session's status as the order takes it: the furthest the graph allows from what an
// absorbed payment-only order had reached.
// A session event decides a same-second tie with a payment's (its completion follows the attempt).
// A read from Stripe (no event time) never does over an event's write: a bank debit's failure
// applied while the success page's read was in flight must not be undone by it.
const newerThanAbsorbed = sql`case when ${p('eventCreated')}::bigint is null then (select last_event_at from absorbed) is null
  else coalesce(${p('eventCreated')}::bigint >= (select last_event_at from absorbed), true) end`;
const statusFromSession = forwardStatus(sql`${p('status')}::text`, sql`coalesce((select status from absorbed), 'open')`, newerThanAbsorbed);
// Conflict path: the status and items the row ends with (the SET below computes the same).
const statusAfter = forwardStatus(sql`excluded.status`, undefined, sql`case when excluded.last_event_at is null
  then orders.last_event_at is null else coalesce(excluded.last_event_at >= orders.last_event_at, true) end`);
const itemsAfter = sql`case when jsonb_array_length(excluded.items) > 0 then excluded.items else orders.items end`;

/**
 * One statement: absorbs an order that a charge or PaymentIntent created before the session
 * was seen (same payment intent, no session yet), upserts the session's order with what both
 * knew, and fulfils it when it is paid and has its line items: `fulfilled_at` is set in the
 * upsert (an UPDATE could not touch the row the upsert just wrote in the same statement) and
 * the orders it newly set it on (`= now()`, the statement's own time) get `fulfilmentEffects`.
 * Status is the furthest the graph allows from either; refunds and fees recorded by the
 * payment survive. The absorbed row was never fulfilled: it had no line items.
 */
const upsertOrder = claimingStatement<Record<string, unknown>>('orders_session', (claim) => sql`with ${claim.cte}absorbed as (
    delete from orders where payment_intent_id = ${p('paymentIntentId')} and checkout_session_id is null and fulfilled_at is null
    returning *
  ), up as (
    insert into orders (checkout_session_id, payment_intent_id, subscription_stripe_id, customer_stripe_id, email, mode, status,
      currency, amount_subtotal, amount_total, amount_refunded, application_fee_amount, charge_id, receipt_url, store_id, store_account_id, items,
      paid_at, refunded_at, fulfilled_at, last_event_at)
    values (${p('sessionId')}, ${p('paymentIntentId')}, ${p('subscriptionId')}, ${p('customerStripeId')}, ${p('email')}, ${p('mode')},
      ${statusFromSession},
      ${p('currency')}, ${p('amountSubtotal')}, ${p('amountTotal')}, coalesce((select amount_refunded from absorbed), 0),
      (select application_fee_amount from absorbed), (select charge_id from absorbed), (select receipt_url from absorbed),
      coalesce((select store_id from absorbed), (select id from stores where account_id = ${p('storeAccountId')})),
      coalesce((select store_account_id from absorbed), ${p('storeAccountId')}),
      ${p('items')}::jsonb,
      case when ${p('status')} in (${settledList}) then now() else (select paid_at from absorbed) end,
      (select refunded_at from absorbed),
      case when ${fulfilmentDueSql(statusFromSession, sql`${p('items')}::jsonb`)} then now() end,
      ${claim.marker(sql`${p('eventCreated')}::bigint`)})
    on conflict (checkout_session_id) do update set
      payment_intent_id = coalesce(orders.payment_intent_id, excluded.payment_intent_id),
      subscription_stripe_id = coalesce(orders.subscription_stripe_id, excluded.subscription_stripe_id),
      customer_stripe_id = coalesce(excluded.customer_stripe_id, orders.customer_stripe_id),
      email = coalesce(excluded.email, orders.email),
      status = ${statusAfter},
      amount_subtotal = coalesce(excluded.amount_subtotal, orders.amount_subtotal),
      amount_total = excluded.amount_total,
      amount_refunded = greatest(orders.amount_refunded, excluded.amount_refunded),
      application_fee_amount = coalesce(orders.application_fee_amount, excluded.application_fee_amount),
      charge_id = coalesce(orders.charge_id, excluded.charge_id),
      receipt_url = coalesce(excluded.receipt_url, orders.receipt_url),
      store_id = coalesce(orders.store_id, excluded.store_id),
      store_account_id = coalesce(orders.store_account_id, excluded.store_account_id),
      items = ${itemsAfter},
      paid_at = coalesce(orders.paid_at, excluded.paid_at),
      refunded_at = coalesce(orders.refunded_at, excluded.refunded_at),
      fulfilled_at = case when ${fulfilmentDueSql(statusAfter, itemsAfter)} then coalesce(orders.fulfilled_at, now())
        else orders.fulfilled_at end,
      last_event_at = greatest(orders.last_event_at, excluded.last_event_at),
      updated_at = now()
    returning *
  ), f as (
    select id, email, customer_stripe_id, status, items, mode from up where fulfilled_at = now()
  )${fulfilmentEffects}
  select up.*, ${claim.claimed} as claimed from up`);

export async function upsertSessionOrder(
  tx: Db, session: Stripe.Checkout.Session, items: OrderItem[], status: OrderStatus,
  opts: { eventCreated: number | null; account: string | null; claim?: Claim },
): Promise<Order> {
  const currency = session.currency ?? 'usd';
  const amountTotal = session.amount_total ?? 0;
  const row = await upsertOrder(tx, {
    sessionId: session.id,
    paymentIntentId: idOf(session.payment_intent),
    subscriptionId: idOf(session.subscription),
    customerStripeId: idOf(session.customer),
    email: session.customer_details?.email ?? session.customer_email ?? null,
    mode: session.mode === 'subscription' ? 'subscription' : 'payment',
    status,
    currency,
    amountSubtotal: session.amount_subtotal ?? null,
    amountTotal,
    // Direct charges on a connected account come with `event.account`; the checkout route may
    // also name the store's account in the session metadata.
    storeAccountId: opts.account ?? session.metadata?.store_account_id ?? null,
    items: JSON.stringify(items),
    eventCreated: opts.eventCreated,
    // The confirmation, in case this statement fulfils: the order takes the session's items and total.
    ...emailValues({ currency, amountTotal, items }),
  }, opts.claim);
  return orderFromRow(row!);
}

export function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : ref.id;
}
