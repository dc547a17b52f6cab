import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import { prices, products } from '../../db/schema.js';
import { getStripe } from '../../stripe/client.js';
import { outcomeNote, storeIdOf, syncOrdered } from '../sync-object.js';
import { onAccount, type EventOf, type HandlerMap } from '../types.js';

// Destination charges sell the platform's prices, so a store's products live on the platform,
// tagged `metadata.store_account_id`. Objects on a connected account (`event.account`) are
// that store's too, for sellers who manage a catalogue in their own dashboard.
const STORE_TAG = 'store_account_id';

function storeAccount(event: { account?: string | null }, metadata: Stripe.Metadata | null | undefined): string | null {
  return event.account ?? metadata?.[STORE_TAG] ?? null;
}

type ProductEvent = EventOf<'product.created' | 'product.updated' | 'product.deleted'>;
type PriceEvent = EventOf<'price.created' | 'price.updated' | 'price.deleted'>;

async function syncProduct(tx: Db, event: ProductEvent, claim: Claim) {
  const deleted = event.type === 'product.deleted';
  const result = await syncOrdered<typeof products, Stripe.Product>(tx, products, {
    stripeId: event.data.object.id,
    object: event.data.object,
    // A deletion is final: nothing to re-read on a tie, and Stripe would answer 404.
    created: deleted ? null : event.created,
    toValues: (p) => ({
      stripeId: p.id,
      storeId: storeIdOf(storeAccount(event, p.metadata)),
      name: p.name,
      description: p.description ?? null,
      images: p.images ?? [],
      active: deleted ? false : p.active,
      lastEventAt: event.created,
    }),
    refetch: () => getStripe().products.retrieve(event.data.object.id, {}, onAccount(event.account)),
    claim,
  });
  return outcomeNote(result, 'product');
}

async function syncPrice(tx: Db, event: PriceEvent, claim: Claim) {
  const deleted = event.type === 'price.deleted';
  const result = await syncOrdered<typeof prices, Stripe.Price>(tx, prices, {
    stripeId: event.data.object.id,
    object: event.data.object,
    created: deleted ? null : event.created,
    toValues: (p) => ({
      stripeId: p.id,
      productStripeId: productId(p),
      // An untagged price belongs to its product's store (Stripe sends product.created first).
      storeId: sql`coalesce(${storeIdOf(storeAccount(event, p.metadata))}, (select ${products.storeId} from ${products} where ${products.stripeId} = ${productId(p)}))`,
      currency: p.currency,
      unitAmount: p.unit_amount,
      type: p.recurring ? 'recurring' : 'one_time',
      recurringInterval: p.recurring?.interval ?? null,
      active: deleted ? false : p.active,
      lastEventAt: event.created,
    }),
    refetch: () => getStripe().prices.retrieve(event.data.object.id, {}, onAccount(event.account)),
    claim,
  });
  return outcomeNote(result, 'price');
}

function productId(p: Stripe.Price): string {
  return typeof p.product === 'string' ? p.product : p.product.id;
}

export const catalogueHandlers: HandlerMap = {
  'product.created': syncProduct,
  'product.updated': syncProduct,
  'product.deleted': syncProduct,
  'price.created': syncPrice,
  'price.updated': syncPrice,
  'price.deleted': syncPrice,
};
