import { and, eq, gte, sql } from 'drizzle-orm';
import { getConfig } from '../config/index.js';
import type { Db } from '../db/client.js';
import { p } from '../db/prepared.js';
import { stores } from '../db/schema.js';
import { claimingStatement, type Claim } from '../webhook/claim.js';
import { pagesFor, UNNAMED_STORE } from './store-pages.js';
import { adoptOrders } from './store-builder.js';
import { slugValues, uniqueSlugValue, unnamedSlug } from './store-slug.js';

/**
 * `account.application.deauthorized`: the platform lost access, so the account cannot be read
 * any more. Marks the store disconnected, creating a placeholder if this is the first sighting
 * (the account's snapshots, whenever they arrive, fill in its details). Ordered against
 * authorisations only (`connection_event_at`), and wins a same-second tie with one: no account
 * update can undo a deauthorisation.
 */
export async function markStoreDisconnected(db: Db, accountId: string, eventCreated: number | null, claim?: Claim): Promise<boolean> {
  const row = await disconnectStore(db, {
    accountId,
    ...slugValues(unnamedSlug(accountId), accountId),
    name: UNNAMED_STORE,
    pages: JSON.stringify(pagesFor(UNNAMED_STORE, { business_profile: null })),
    settings: JSON.stringify({ currency: 'usd', feeBps: getConfig().PLATFORM_FEE_BPS }),
    eventCreated,
  }, claim);
  return row !== undefined;
}

const disconnectStore = claimingStatement<{ id: string | number }>('stores_disconnect', (claim) => sql`with ${claim.cte}up as (
  insert into stores (account_id, slug, name, status, pages, settings, connection_event_at)
  values (${p('accountId')}, ${uniqueSlugValue}, ${p('name')}, 'disconnected', ${p('pages')}::jsonb, ${p('settings')}::jsonb,
    ${claim.marker(sql`${p('eventCreated')}::bigint`)})
  on conflict (account_id) do update set
    status = 'disconnected',
    charges_enabled = false,
    payouts_enabled = false,
    connection_event_at = coalesce(excluded.connection_event_at, stores.connection_event_at),
    updated_at = now()
  where stores.connection_event_at is null or excluded.connection_event_at is null
    or excluded.connection_event_at >= stores.connection_event_at
  returning id
  )${adoptOrders}
  select id, ${claim.claimed} as claimed from up`);

/** Whether a deauthorisation at or after `created` disconnected the account's store. */
export async function disconnectedSince(db: Db, accountId: string, created: number): Promise<boolean> {
  const rows = await db.select({ id: stores.id }).from(stores)
    .where(and(eq(stores.accountId, accountId), eq(stores.status, 'disconnected'), gte(stores.connectionEventAt, created)));
  return rows.length > 0;
}
