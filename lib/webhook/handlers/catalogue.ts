import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import { prices, products } from '../../db/schema.js';
import { getStripe } from '../../stripe/client.js';
import { outcomeNote, storeIdOf, syncOrdered } from '../sync-object.js';
import { onAccount, type EventOf, type HandlerMap } from '../types.js';

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
      storeId: storeIdOf(event.account),
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
      productStripeId: typeof p.product === 'string' ? p.product : p.product.id,
      storeId: storeIdOf(event.account),
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

export const catalogueHandlers: HandlerMap = {
  'product.created': syncProduct,
  'product.updated': syncProduct,
  'product.deleted': syncProduct,
  'price.created': syncPrice,
  'price.updated': syncPrice,
  'price.deleted': syncPrice,
};
