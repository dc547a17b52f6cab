import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entitlements, orders } from '../db/schema.js';
import { confirmationEmail, type ConfirmationInput } from './confirmation-email.js';
import { settledList, settledStatuses } from './order-status.js';
import { p, prepared } from '../db/prepared.js';

type Order = typeof orders.$inferSelect;

/**
 * Fulfilment, in SQL, for the orders a statement has just marked fulfilled, which it lists in a
 * CTE named `f` (id, email, customer_stripe_id, status, items, mode): one entitlement per
 * product bought once and one confirmation email, each at most once per order (the unique
 * keys). A refund that arrived before the payment leaves the order `refunded`: its
 * entitlements are then created already revoked, the same final state as the natural order.
 * A subscription's recurring items follow the subscription instead (handlers/subscriptions.ts);
 * its one-time items (a setup fee, a starter kit: Stripe bills them on the first invoice, not
 * on the subscription) are granted here, unless the subscription has the same product (a
 * joining fee on the membership: access follows the subscription). Older rows do not say which
 * an item is: not granted.
 * Named values: the email's parts around the order number (`emailValues`).
 */
export const fulfilmentEffects = sql`, granted as (
    insert into entitlements (order_id, product_stripe_id, customer_stripe_id, email, active, revoked_at)
    select distinct f.id, coalesce(i->>'productId', i->>'priceId'), f.customer_stripe_id, f.email,
      f.status <> 'refunded', case when f.status = 'refunded' then now() end
    from f, jsonb_array_elements(f.items) as i
    where f.mode = 'payment' or (i->>'recurring' = 'false' and not exists (
      select 1 from jsonb_array_elements(f.items) as r where r->>'recurring' = 'true' and r->>'productId' = i->>'productId'))
    on conflict (order_id, product_stripe_id) do nothing
  ), queued as (
    insert into email_outbox (order_id, to_address, subject, body_text, body_html)
    select f.id, f.email,
      ${p('subjectBefore')}::text || f.id::text || ${p('subjectAfter')}::text,
      ${p('textBefore')}::text || f.id::text || ${p('textAfter')}::text,
      ${p('htmlBefore')}::text || f.id::text || ${p('htmlAfter')}::text
    from f where f.email is not null
    on conflict (order_id) do nothing
  )`;

/** The confirmation of an order with these items, as `fulfilmentEffects` takes it. */
export function emailValues(order: ConfirmationInput) {
  const { subject, text, html } = confirmationEmail(order);
  return {
    subjectBefore: subject[0], subjectAfter: subject[1],
    textBefore: text[0], textAfter: text[1],
    htmlBefore: html[0], htmlAfter: html[1],
  };
}

/** In SQL: an order with this status and these items is due for fulfilment (see fulfilmentDue). */
export function fulfilmentDueSql(status: SQL, items: SQL): SQL {
  return sql`(${status}) in (${settledList}) and jsonb_array_length(${items}) > 0`;
}

/**
 * Fulfils an order exactly once, whoever calls first (webhook, success page, reconcile): the
 * `fulfilled_at IS NULL` guard in the UPDATE is the lock, so concurrent callers serialise on
 * the row and only one sees it. In the same statement (one round trip) it grants and queues
 * (`fulfilmentEffects`). An order with no line items yet (a payment seen before its checkout
 * session) waits until the session brings them; the session's own upsert fulfils in its
 * statement (session-order.ts). `known` is the caller's fresh copy of the row (saves reading
 * it); returns whether it fulfilled.
 */
export async function fulfil(tx: Db, orderId: number, known?: Order): Promise<boolean> {
  const order = known ?? (await tx.select().from(orders).where(eq(orders.id, orderId)))[0];
  if (!order || !fulfilmentDue(order)) return false;
  const mail = emailValues({ currency: order.currency, amountTotal: order.amountTotal, items: order.items });
  const [row] = await fulfilOrder(tx, { orderId, ...mail });
  return (row?.n ?? 0) > 0;
}

const fulfilOrder = prepared<{ n: number }>('orders_fulfil', () => sql`
  with f as (
    update orders set fulfilled_at = now(), updated_at = now()
    where id = ${p('orderId')} and fulfilled_at is null and ${fulfilmentDueSql(sql`status`, sql`items`)}
    returning id, email, customer_stripe_id, status, items, mode
  )${fulfilmentEffects}
  select count(*)::int as n from f`);

/**
 * A fulfilled order whose buyer's email arrived afterwards (a create-intent payment whose
 * charge brings the address): its entitlements get the email and its confirmation is queued,
 * once (the outbox's unique order id), as if the email had been known at fulfilment.
 */
export async function confirmLate(tx: Db, order: Order): Promise<void> {
  const mail = emailValues({ currency: order.currency, amountTotal: order.amountTotal, items: order.items });
  await confirmLateStatement(tx, { orderId: order.id, ...mail });
}

const confirmLateStatement = prepared('orders_confirm_late', () => sql`
  with f as (
    select id, email, customer_stripe_id, status, items, mode from orders
    where id = ${p('orderId')} and fulfilled_at is not null and email is not null
  ), emailed as (
    update entitlements set email = f.email from f where entitlements.order_id = f.id and entitlements.email is null
  )${fulfilmentEffects}
  select count(*)::int as n from f`);

/** Whether `fulfil` would do anything for this row: saves a round trip when it would not. */
export function fulfilmentDue(order: Order): boolean {
  return order.fulfilledAt === null && settledStatuses.includes(order.status) && order.items.length > 0;
}

/** A full refund takes back what the order granted. */
export async function revokeEntitlements(tx: Db, orderId: number): Promise<void> {
  await tx
    .update(entitlements)
    .set({ active: false, revokedAt: sql`now()` })
    .where(and(eq(entitlements.orderId, orderId), eq(entitlements.active, true)));
}
