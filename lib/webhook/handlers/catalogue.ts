import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import { p } from '../../db/prepared.js';
import { getStripe } from '../../stripe/client.js';
import { outcomeNote, syncOrdered, syncStatement } from '../sync-object.js';
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

const upsertProduct = syncStatement('products', {
  columns: 'name, description, images, active',
  values: sql`${p('name')}, ${p('description')}, ${p('images')}::jsonb, ${p('active')}`,
  set: sql`name = excluded.name, description = excluded.description, images = excluded.images, active = excluded.active`,
});

// An untagged price belongs to its product's store, found when read (price-owner.ts): the
// product's event may come after the price's, or at the same moment.
const upsertPrice = syncStatement('prices', {
  columns: 'product_stripe_id, currency, unit_amount, type, recurring_interval, recurring_interval_count, active',
  values: sql`${p('product')}, ${p('currency')}, ${p('unitAmount')}, ${p('type')}, ${p('interval')}, ${p('intervalCount')}::int, ${p('active')}`,
  set: sql`product_stripe_id = excluded.product_stripe_id, currency = excluded.currency, unit_amount = excluded.unit_amount,
    type = excluded.type, recurring_interval = excluded.recurring_interval,
    recurring_interval_count = excluded.recurring_interval_count, active = excluded.active`,
});

async function syncProduct(tx: Db, event: ProductEvent, claim: Claim) {
  const deleted = event.type === 'product.deleted';
  const result = await syncOrdered<Stripe.Product>(tx, 'products', {
    stripeId: event.data.object.id,
    object: event.data.object,
    // A deletion is final: nothing to re-read on a tie, and Stripe would answer 404.
    created: deleted ? null : event.created,
    write: (product, current, claim) => upsertProduct(tx, {
      stripeId: product.id,
      account: storeAccount(event, product.metadata),
      name: product.name,
      description: product.description ?? null,
      images: JSON.stringify(product.images ?? []),
      active: deleted ? false : product.active,
      lastEventAt: event.created,
      current,
    }, claim),
    refetch: () => getStripe().products.retrieve(event.data.object.id, {}, onAccount(event.account)),
    claim,
  });
  return outcomeNote(result, 'product');
}

async function syncPrice(tx: Db, event: PriceEvent, claim: Claim) {
  const deleted = event.type === 'price.deleted';
  const result = await syncOrdered<Stripe.Price>(tx, 'prices', {
    stripeId: event.data.object.id,
    object: event.data.object,
    created: deleted ? null : event.created,
    write: (price, current, claim) => upsertPrice(tx, {
      stripeId: price.id,
      account: storeAccount(event, price.metadata),
      product: productId(price),
      currency: price.currency,
      // A metered price has no fixed amount to sell (billed on usage): listed nowhere.
      unitAmount: price.recurring?.usage_type === 'metered' ? null : price.unit_amount,
      type: price.recurring ? 'recurring' : 'one_time',
      interval: price.recurring?.interval ?? null,
      intervalCount: price.recurring?.interval_count ?? null,
      active: deleted ? false : price.active,
      lastEventAt: event.created,
      current,
    }, claim),
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
