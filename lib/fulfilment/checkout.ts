import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import type { OrderItem, OrderStatus } from '../db/schema.js';
import { retryLostRace } from '../db/lost-race.js';
import { getStripe } from '../stripe/client.js';
import type { Claim } from '../webhook/claim.js';
import { upsertSessionOrder } from './session-order.js';
import { settle, type Order } from './payment-order.js';

export interface SyncOptions {
  /** `created` of the event that carried the session; null when read from Stripe directly. */
  eventCreated: number | null;
  /** Connect account the session belongs to (`event.account`), for fetching its line items. */
  account?: string | null;
  /** Overrides the status derived from the session (`async_payment_failed` → failed). */
  status?: OrderStatus;
  /** The webhook's event claim, folded into the order upsert (webhook/claim.ts). */
  claim?: Claim;
}

/**
 * Upserts the order of a Checkout Session and fulfils it when paid. Called by the webhook and
 * by the success page when the webhook has not arrived yet: both may run at once for one
 * session, and the database (row lock on the session's order, `fulfilled_at IS NULL` guard)
 * makes fulfilment happen exactly once.
 */
export async function syncCheckoutSession(db: Db, session: Stripe.Checkout.Session, opts: SyncOptions): Promise<Order> {
  const items = await sessionItems(session, opts.account ?? null);
  // The webhook (or another tab) may be writing the same order at this moment.
  return retryLostRace(() => db.transaction((tx) => applyCheckoutSession(tx, session, items, opts)));
}

/** The same, inside the caller's transaction and with the line items already at hand. */
export async function applyCheckoutSession(tx: Db, session: Stripe.Checkout.Session, items: OrderItem[], opts: SyncOptions): Promise<Order> {
  const order = await upsertSessionOrder(tx, session, items, opts.status ?? sessionStatus(session), {
    eventCreated: opts.eventCreated,
    account: opts.account ?? null,
    claim: opts.claim,
  });
  await settle(tx, order);
  return order;
}

/** SPEC: paid or no_payment_required → paid; unpaid (delayed methods) → processing. */
export function sessionStatus(session: Stripe.Checkout.Session): OrderStatus {
  if (session.status === 'expired') return 'expired';
  if (session.status !== 'complete') return 'open';
  return session.payment_status === 'unpaid' ? 'processing' : 'paid';
}

/**
 * Line items are never in the event: fetched from Stripe unless the session was expanded with
 * all of them (an expanded session holds only the first handful; the list pages through the rest).
 */
export async function sessionItems(session: Stripe.Checkout.Session, account: string | null): Promise<OrderItem[]> {
  if (session.status === 'expired') return [];
  if (session.line_items && !session.line_items.has_more) return session.line_items.data.map(toItem);
  const lines = await getStripe().checkout.sessions
    .listLineItems(session.id, { limit: 100 }, account ? { stripeAccount: account } : undefined)
    .autoPagingToArray({ limit: 10_000 });
  return lines.map(toItem);
}

function toItem(line: Stripe.LineItem): OrderItem {
  const product = line.price?.product;
  return {
    priceId: line.price?.id ?? line.id,
    productId: typeof product === 'string' ? product : (product?.id ?? null),
    name: line.description ?? (typeof product === 'object' && product && 'name' in product ? product.name : 'Item'),
    quantity: line.quantity ?? 1,
    unitAmount: line.price?.unit_amount ?? null,
    amountTotal: line.amount_total,
    recurring: line.price?.type === 'recurring' || !!line.price?.recurring,
  };
}
