import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { prices, products } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { Store } from '../stores/queries.js';
import type { PurchasablePrice } from './price-lookup.js';

/**
 * A store's price bought without naming the store would leave the seller's money with the
 * platform, and another store's price would pay the wrong seller: both are refused. The
 * catalogue (kept by the webhook) says which account sells what: the price's own, or else
 * its product's, or its tag at Stripe when the catalogue has not recorded one. A price or
 * product the catalogue has seen archived or deleted is refused too: the webhook's word is
 * newer than a cached lookup (price-lookup.ts keeps one for minutes).
 */
export async function assertSoldBy(db: Db, bought: Array<Pick<PurchasablePrice, 'id' | 'storeAccount'>>, store: Store | null): Promise<void> {
  const rows = await db
    .select({
      stripeId: prices.stripeId,
      account: sql<string | null>`coalesce(${prices.accountId}, ${products.accountId})`,
      withdrawn: sql<boolean>`not ${prices.active} or coalesce(not ${products.active}, false)`,
    })
    .from(prices)
    .leftJoin(products, eq(products.stripeId, prices.productStripeId))
    .where(inArray(prices.stripeId, bought.map((p) => p.id)));
  const owner = new Map(rows.map((r) => [r.stripeId, r.account]));
  const withdrawn = rows.find((r) => r.withdrawn);
  if (withdrawn) throw new ApiError('price_inactive', `Price ${withdrawn.stripeId} is no longer available.`);
  for (const { id, storeAccount } of bought) {
    // A tag at Stripe the catalogue has not recorded (yet) still counts: the seller's money
    // must never stay with the platform for want of a webhook.
    const account = owner.get(id) ?? storeAccount;
    if (store && account !== store.accountId) throw new ApiError('price_not_allowed', `Price ${id} is not sold by store "${store.slug}".`);
    if (!store && account !== null) throw new ApiError('price_not_allowed', `Price ${id} belongs to a store; name the store to buy it.`);
  }
}
