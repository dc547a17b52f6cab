import type Stripe from 'stripe';
import type { PurchasablePrice } from '../catalogue/price-lookup.js';
import type { Db } from '../db/client.js';
import { orders, type OrderItem } from '../db/schema.js';
import type { Store } from '../stores/queries.js';
import type { PlannedSession } from './session-params.js';

export interface OpenOrder {
  session: Stripe.Checkout.Session;
  planned: PlannedSession;
  price: PurchasablePrice;
  quantity: number;
  store: Store | null;
}

/**
 * Writes the `open` order for a new session before the shopper sees the payment page. An
 * Idempotency-Key replay returns the same session, and the webhook may already have written
 * a newer version of the row: on conflict the existing row wins, untouched.
 */
export async function recordOpenOrder(db: Db, o: OpenOrder): Promise<void> {
  const { session, planned, price, quantity, store } = o;
  const amountTotal = session.amount_total ?? planned.amountTotal;
  const item: OrderItem = {
    priceId: price.id,
    productId: price.productId,
    name: price.productName,
    quantity,
    unitAmount: price.unitAmount,
    amountTotal,
  };
  await db
    .insert(orders)
    .values({
      checkoutSessionId: session.id,
      storeId: store?.id ?? null,
      storeAccountId: store?.accountId ?? null,
      mode: planned.mode,
      status: 'open',
      currency: session.currency ?? price.currency,
      amountSubtotal: session.amount_subtotal ?? planned.amountTotal,
      amountTotal,
      applicationFeeAmount: planned.applicationFeeAmount,
      items: [item],
    })
    .onConflictDoNothing({ target: orders.checkoutSessionId });
}
