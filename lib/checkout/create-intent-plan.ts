import type Stripe from 'stripe';
import { getPurchasablePrice, type PurchasablePrice } from '../catalogue/price-lookup.js';
import { assertSoldBy } from '../catalogue/price-owner.js';
import { applicationFeeAmount } from '../connect/fees.js';
import type { Db } from '../db/client.js';
import type { OrderItem } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { Store } from '../stores/queries.js';
import type { CreateIntentBody } from './create-intent-request.js';

export interface PlannedIntent {
  params: Stripe.PaymentIntentCreateParams;
  items: OrderItem[];
  amountTotal: number;
  currency: string;
  applicationFeeAmount: number | null;
}

/** Every price from Stripe (cached), in one currency, one-time, and sold by the named store. */
export async function loadPrices(db: Db, body: CreateIntentBody, store: Store | null): Promise<PurchasablePrice[]> {
  const loaded = await Promise.all(body.items.map((i) => getPurchasablePrice(i.priceId)));
  const recurring = loaded.find((p) => p.recurring);
  if (recurring) {
    throw new ApiError('invalid_request', `Price ${recurring.id} is a subscription; a PaymentIntent takes one-time prices only.`);
  }
  const currencies = [...new Set(loaded.map((p) => p.currency))];
  if (currencies.length > 1) {
    throw new ApiError('invalid_request', `All items must share one currency; got ${currencies.join(', ')}.`);
  }
  await assertSoldBy(db, loaded, store);
  return loaded;
}

/**
 * The PaymentIntent for the items. A store sale is a destination charge: the seller receives
 * `amount − application_fee_amount`. https://docs.stripe.com/connect/destination-charges
 */
export function planIntent(body: CreateIntentBody, loaded: PurchasablePrice[], store: Store | null, feeBps: number): PlannedIntent {
  const items: OrderItem[] = body.items.map((item, i) => {
    const p = loaded[i]!;
    return { priceId: p.id, productId: p.productId, name: p.productName, quantity: item.quantity, unitAmount: p.unitAmount, amountTotal: p.unitAmount * item.quantity };
  });
  const amountTotal = items.reduce((sum, i) => sum + i.amountTotal!, 0);
  const currency = loaded[0]!.currency;
  // Stripe refuses a PaymentIntent below its minimum charge: a free cart is the buyer's input, not a Stripe failure.
  if (amountTotal < 1) throw new ApiError('invalid_request', 'The items add up to nothing to pay; a PaymentIntent needs an amount.');
  const fee = store ? applicationFeeAmount(amountTotal, feeBps, currency) : null;
  const metadata: Record<string, string> = {
    source: 'create-intent',
    // Stripe caps a metadata value at 500 characters; 20 items of ids fit.
    items: items.map((i) => `${i.priceId}x${i.quantity}`).join(',').slice(0, 500),
  };
  if (store) metadata.store = store.slug;
  const params: Stripe.PaymentIntentCreateParams = {
    amount: amountTotal,
    currency,
    automatic_payment_methods: { enabled: true },
    metadata,
  };
  if (body.email) params.receipt_email = body.email;
  if (store && fee !== null) {
    params.application_fee_amount = fee;
    params.transfer_data = { destination: store.accountId };
  }
  return { params, items, amountTotal, currency, applicationFeeAmount: fee };
}
