import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { stores } from '../db/schema.js';
import { ApiError } from '../http/errors.js';

export type Store = typeof stores.$inferSelect;

export async function findStoreBySlug(db: Db, slug: string): Promise<Store | null> {
  const [row] = await db.select().from(stores).where(eq(stores.slug, slug)).limit(1);
  return row ?? null;
}

/** The store a shopper is buying from: it must exist and be able to take charges. */
export async function requireActiveStore(db: Db, slug: string): Promise<Store> {
  const store = await findStoreBySlug(db, slug);
  if (!store) throw new ApiError('unknown_store', `There is no store "${slug}".`);
  if (store.status !== 'active') throw new ApiError('store_not_active', `Store "${slug}" is not taking payments yet.`);
  return store;
}
