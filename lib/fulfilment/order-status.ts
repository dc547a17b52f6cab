import { sql, type SQL } from 'drizzle-orm';
import { orders, type OrderStatus } from '../db/schema.js';

// SPEC's order status graph: open → processing → paid → partially_refunded → refunded;
// open|processing → failed (a later success may still make it paid); open → expired;
// paid → disputed. Beyond SPEC's list, failed → expired: a session whose card was declined can
// still expire, and nothing can be paid after that, so a late decline must not undo the expiry.
// `reachableFrom[s]` is every status from which `s` can be reached by a forward path, so an
// event that arrives early (a refund before the payment) lands on the same final status as the
// natural order would.
const reachableFrom: Record<OrderStatus, readonly OrderStatus[]> = {
  open: [],
  processing: ['open'],
  failed: ['open', 'processing'],
  expired: ['open', 'processing', 'failed'],
  paid: ['open', 'processing', 'failed'],
  partially_refunded: ['open', 'processing', 'failed', 'paid'],
  disputed: ['open', 'processing', 'failed', 'paid', 'partially_refunded'],
  refunded: ['open', 'processing', 'failed', 'paid', 'partially_refunded', 'disputed'],
};

/** Statuses that mean the money arrived at some point: fulfilment is due in all of them. */
export const settledStatuses: readonly OrderStatus[] = ['paid', 'partially_refunded', 'refunded', 'disputed'];

/** `settledStatuses` as SQL literals, for `status in (…)`. */
export const settledList = sql.raw(settledStatuses.map((s) => `'${s}'`).join(', '));

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return reachableFrom[to].includes(from);
}

/** The furthest of two statuses: `to` when it is reachable from `from`, otherwise `from`. */
export function advance(from: OrderStatus, to: OrderStatus): OrderStatus {
  return canMove(from, to) ? to : from;
}

// Constants from the table above, inlined as literals rather than sent as 28 parameters.
const allowedMoves = sql.raw(
  Object.entries(reachableFrom).flatMap(([to, froms]) => froms.map((f) => `'${f}>${to}'`)).join(', '),
);

/**
 * `to` where the graph allows the move from `from`, otherwise `from`: the status column of an
 * upsert's DO UPDATE, enforced in SQL so concurrent or stale writers cannot move it backwards.
 * `newer` (the event is at least as new as the row's last) decides between `failed` and
 * `processing`, which can follow each other: a declined card, then a bank debit in the same
 * session (failed → processing); that debit failing (processing → failed). Without it, only
 * the graph's processing → failed is allowed.
 */
export function forwardStatus(to: SQL | OrderStatus, from: SQL = sql`${orders.status}`, newer?: SQL): SQL {
  const target = typeof to === 'string' ? sql`${to}::text` : to;
  const move = sql`${from} || '>' || ${target}`;
  if (!newer) return sql`case when ${move} in (${allowedMoves}) then ${target} else ${from} end`;
  return sql`case when ${move} in ('processing>failed', 'failed>processing') then (case when ${newer} then ${target} else ${from} end)
    when ${move} in (${allowedMoves}) then ${target} else ${from} end`;
}

/** Status after a refund of `refunded` out of `total` minor units (cumulative, per Stripe). */
export function refundStatus(refunded: number, total: number): OrderStatus {
  return refunded >= total ? 'refunded' : 'partially_refunded';
}
