import { sql } from 'drizzle-orm';
import { getConfig } from '../config/index.js';
import type { Db } from '../db/client.js';
import { stores } from '../db/schema.js';
import { newerThan } from '../webhook/ordering.js';
import { pagesFor } from './store-pages.js';
import { slugify, uniqueSlugSql } from './store-slug.js';

/**
 * `account.application.deauthorized`: the platform lost access, so the account cannot be read
 * any more. Marks the store disconnected, creating a placeholder if this is the first sighting.
 * Wins a same-second tie: nothing an account update says can undo a deauthorisation.
 */
export async function markStoreDisconnected(db: Db, accountId: string, eventCreated: number | null): Promise<boolean> {
  const rows = await db
    .insert(stores)
    .values({
      accountId,
      slug: uniqueSlugSql(slugify(accountId), accountId),
      name: accountId,
      status: 'disconnected',
      pages: pagesFor(accountId, { business_profile: null }),
      settings: { currency: 'usd', feeBps: getConfig().PLATFORM_FEE_BPS },
      lastEventAt: eventCreated,
    })
    .onConflictDoUpdate({
      target: stores.accountId,
      set: {
        status: 'disconnected',
        chargesEnabled: false,
        payoutsEnabled: false,
        lastEventAt: sql`coalesce(excluded.last_event_at, ${stores.lastEventAt})`,
        updatedAt: sql`now()`,
      },
      setWhere: newerThan(stores.lastEventAt, true),
    })
    .returning({ id: stores.id });
  return rows.length > 0;
}
