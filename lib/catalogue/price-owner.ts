import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { prices } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { Store } from '../stores/queries.js';

/**
 * A store's price bought without naming the store would leave the seller's money with the
 * platform, and another store's price would pay the wrong seller: both are refused. The
 * prices table (kept by the catalogue webhook) says which store sells what.
 */
export async function assertSoldBy(db: Db, priceIds: string[], store: Store | null): Promise<void> {
  const rows = await db
    .select({ stripeId: prices.stripeId, storeId: prices.storeId })
    .from(prices)
    .where(inArray(prices.stripeId, priceIds));
  const owner = new Map(rows.map((r) => [r.stripeId, r.storeId]));
  for (const id of priceIds) {
    const storeId = owner.get(id) ?? null;
    if (store && storeId !== store.id) throw new ApiError('price_not_allowed', `Price ${id} is not sold by store "${store.slug}".`);
    if (!store && storeId !== null) throw new ApiError('price_not_allowed', `Price ${id} belongs to a store; name the store to buy it.`);
  }
}
