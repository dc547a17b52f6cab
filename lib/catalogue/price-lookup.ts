import Stripe from 'stripe';
import { getConfig } from '../config/index.js';
import { ApiError } from '../http/errors.js';
import { getKv } from '../kv/index.js';
import { getStripe, isMissing } from '../stripe/client.js';

const CACHE_SECONDS = 300;

export { priceIdSchema } from './price-id.js';

/** What checkout needs to know about a price; small enough to cache. */
export interface PurchasablePrice {
  id: string;
  currency: string;
  unitAmount: number;
  recurring: boolean;
  productId: string;
  productName: string;
  /** The store's account its metadata names (`store_account_id`, the price's or its product's). */
  storeAccount: string | null;
}

interface CachedPrice extends PurchasablePrice {
  active: boolean;
}

/**
 * A price the shopper may buy: known to Stripe, active (with an active product), with a fixed
 * amount, and inside ALLOWED_PRICE_IDS when that is set. Cached for a few minutes, so a price
 * archived in the Dashboard stops selling within CACHE_SECONDS.
 */
export async function getPurchasablePrice(priceId: string): Promise<PurchasablePrice> {
  const { ALLOWED_PRICE_IDS } = getConfig();
  if (ALLOWED_PRICE_IDS.length && !ALLOWED_PRICE_IDS.includes(priceId)) {
    throw new ApiError('price_not_allowed', `Price ${priceId} is not sold here.`);
  }
  const price = await cachedPrice(priceId);
  if (!price.active) throw new ApiError('price_inactive', `Price ${priceId} is no longer available.`);
  const { active: _, ...rest } = price;
  return rest;
}

async function cachedPrice(priceId: string): Promise<CachedPrice> {
  const kv = await getKv();
  const key = `price:v2:${priceId}`; // v2: with storeAccount
  const hit = await kv.get<CachedPrice>(key).catch(() => null); // a cache outage only costs a fetch
  if (hit) return hit;
  const price = await fetchPrice(priceId);
  await kv.set(key, price, CACHE_SECONDS).catch(() => {});
  return price;
}

async function fetchPrice(priceId: string): Promise<CachedPrice> {
  let price: Stripe.Price;
  try {
    price = await getStripe().prices.retrieve(priceId, { expand: ['product'] });
  } catch (err) {
    if (isMissing(err)) {
      throw new ApiError('unknown_price', `Price ${priceId} does not exist.`);
    }
    throw stripeFailure(err);
  }
  const product = typeof price.product === 'string' ? null : price.product;
  const productActive = !!product && !('deleted' in product && product.deleted) && (product as Stripe.Product).active;
  return {
    id: price.id,
    currency: price.currency,
    unitAmount: price.unit_amount ?? 0,
    recurring: price.type === 'recurring',
    productId: typeof price.product === 'string' ? price.product : price.product.id,
    productName: product && 'name' in product ? product.name : price.nickname ?? price.id,
    storeAccount: price.metadata?.store_account_id || (product && 'metadata' in product ? product.metadata?.store_account_id : null) || null,
    // A price without a fixed amount (metered, customer-chosen) is not sold through this API.
    active: price.active && productActive && price.unit_amount !== null && price.recurring?.usage_type !== 'metered',
  };
}

/** Stripe problems become a 502 with a safe message; the details stay in our logs. */
export function stripeFailure(err: unknown): ApiError {
  const reason = err instanceof Stripe.errors.StripeError ? `${err.type}: ${err.message}` : String(err);
  return Object.assign(new ApiError('stripe_error', 'The payment provider could not complete the request; try again.'), {
    cause: reason,
  });
}
