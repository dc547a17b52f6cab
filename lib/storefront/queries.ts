import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { prices, products, type StorePage } from '../db/schema.js';
import type { Store } from '../stores/queries.js';

// What a shopper may see of a store. Built field by field from an allowlist, so a column added
// to `stores` later (or the email, account id, capabilities and fee settings today) cannot leak.
export interface PublicStore {
  slug: string;
  name: string;
  status: Store['status'];
  currency: string;
  pages: StorePage[];
}

export interface PublicPrice {
  id: string;
  unitAmount: number;
  currency: string;
  /** Bills every `intervalCount` × `interval` (3 × month: quarterly). */
  recurring: { interval: string; intervalCount: number } | null;
}

export interface PublicProduct {
  id: string;
  name: string;
  description: string | null;
  images: string[];
  prices: PublicPrice[];
}

export function publicStore(store: Store): PublicStore {
  return {
    slug: store.slug,
    name: store.name,
    status: store.status,
    currency: store.settings.currency,
    pages: store.pages.map((p) => ({ slug: p.slug, title: p.title, body: p.body })),
  };
}

/**
 * Active products of the store's account that have at least one active, fixed-amount price
 * of theirs (a price tagged for another account is that account's: price-owner.ts).
 */
export async function listPublicProducts(db: Db, accountId: string): Promise<PublicProduct[]> {
  const [productRows, priceRows] = await Promise.all([
    db.select().from(products).where(and(eq(products.accountId, accountId), eq(products.active, true))).orderBy(asc(products.id)),
    db
      .select({ price: prices })
      .from(prices)
      .innerJoin(products, eq(products.stripeId, prices.productStripeId))
      .where(and(eq(products.accountId, accountId), eq(sql`coalesce(${prices.accountId}, ${products.accountId})`, accountId),
        eq(prices.active, true), isNotNull(prices.unitAmount)))
      .orderBy(asc(prices.unitAmount), asc(prices.id))
      .then((rows) => rows.map((r) => r.price)),
  ]);
  const byProduct = new Map<string, PublicPrice[]>();
  for (const p of priceRows) {
    const list = byProduct.get(p.productStripeId) ?? [];
    list.push({
      id: p.stripeId,
      unitAmount: p.unitAmount!,
      currency: p.currency,
      recurring: p.type === 'recurring' ? { interval: p.recurringInterval ?? 'month', intervalCount: p.recurringIntervalCount ?? 1 } : null,
    });
    byProduct.set(p.productStripeId, list);
  }
  return productRows
    .filter((p) => byProduct.has(p.stripeId))
    .map((p) => ({ id: p.stripeId, name: p.name, description: p.description, images: p.images, prices: byProduct.get(p.stripeId)! }));
}
