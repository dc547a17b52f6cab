import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entitlements, orders } from '../db/schema.js';
import { confirmationEmail } from './confirmation-email.js';
import { settledList, settledStatuses } from './order-status.js';
import { p, prepared } from '../db/prepared.js';

type Order = typeof orders.$inferSelect;

/**
 * Fulfils an order exactly once, whoever calls first (webhook, success page, reconcile): the
 * `fulfilled_at IS NULL` guard in the UPDATE is the lock, so concurrent callers serialise on
 * the row and only one sees it. In the same statement (one round trip) it grants one
 * entitlement per purchased product and queues one confirmation email. An order with no line
 * items yet (a payment seen before its checkout session) waits until the session brings them.
 * A refund that arrived before the payment leaves the order `refunded`: its entitlements are
 * then created already revoked, the same final state as the natural order. A subscription's
 * entitlements follow the subscription instead (handlers/subscriptions.ts).
 * `known` is the caller's fresh copy of the row (saves reading it); returns whether it fulfilled.
 */
export async function fulfil(tx: Db, orderId: number, known?: Order): Promise<boolean> {
  const order = known ?? (await tx.select().from(orders).where(eq(orders.id, orderId)))[0];
  if (!order || !fulfilmentDue(order)) return false;
  const mail = confirmationEmail({ orderId, currency: order.currency, amountTotal: order.amountTotal, items: order.items });
  const [row] = await fulfilOrder(tx, { orderId, subject: mail.subject, text: mail.text, html: mail.html });
  return (row?.n ?? 0) > 0;
}

const fulfilOrder = prepared<{ n: number }>('orders_fulfil', () => sql`
  with f as (
    update orders set fulfilled_at = now(), updated_at = now()
    where id = ${p('orderId')} and fulfilled_at is null and status in (${settledList}) and jsonb_array_length(items) > 0
    returning id, email, customer_stripe_id, status, items, mode
  ), granted as (
    insert into entitlements (order_id, product_stripe_id, customer_stripe_id, email, active, revoked_at)
    select distinct f.id, coalesce(i->>'productId', i->>'priceId'), f.customer_stripe_id, f.email,
      f.status <> 'refunded', case when f.status = 'refunded' then now() end
    from f, jsonb_array_elements(f.items) as i
    where f.mode = 'payment'
    on conflict (order_id, product_stripe_id) do nothing
  ), queued as (
    insert into email_outbox (order_id, to_address, subject, body_text, body_html)
    select f.id, f.email, ${p('subject')}, ${p('text')}, ${p('html')} from f where f.email is not null
    on conflict (order_id) do nothing
  )
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
