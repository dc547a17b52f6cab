import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { getConfig } from '../config/index.js';
import type { Db } from '../db/client.js';
import { stores } from '../db/schema.js';
import { getStripe } from '../stripe/client.js';
import type { Claim } from '../webhook/claim.js';
import { applyOrdered, newerThan, type ApplyMode } from '../webhook/ordering.js';
import { businessName, pagesFor, storeStatus } from './store-pages.js';
import { slugify, uniqueSlugSql } from './store-slug.js';

export type Store = typeof stores.$inferSelect;

export interface StoreOptions {
  /** `created` of the event that carried the account; null when read from Stripe just now. */
  eventCreated: number | null;
  /** `account.application.authorized`: a disconnected store may come back. */
  reconnect?: boolean;
  /** The webhook's event claim, spent before the first write (webhook/claim.ts). */
  claim?: Claim;
}

/**
 * Builds the store on the first sighting of an account, whichever event brings it, and keeps
 * status and details current afterwards without clobbering what the seller edited. Returns
 * null when a newer event already applied (the stale snapshot is dropped).
 */
export async function upsertStoreFromAccount(db: Db, account: Stripe.Account, opts: StoreOptions): Promise<Store | null> {
  // Account events are rare: the claim takes its own round trip rather than a second statement shape.
  await opts.claim?.ensure(db);
  const result = await applyOrdered({
    created: opts.eventCreated,
    apply: (mode) => writeStore(db, account, opts, mode),
    lastApplied: async () => (await db.select({ at: stores.lastEventAt }).from(stores).where(eq(stores.accountId, account.id)))[0]?.at,
    refetchAndApply: async () => writeStore(db, await getStripe().accounts.retrieve(account.id), opts, 'current'),
  });
  return result.row;
}

async function writeStore(db: Db, account: Stripe.Account, opts: StoreOptions, mode: ApplyMode): Promise<Store | undefined> {
  const named = businessName(account);
  const name = named ?? account.email ?? account.id;
  const wantedSlug = account.metadata?.store_slug || slugify(name);
  // Before onboarding collects a business name, keep the name the seller typed at sign-up.
  const takeDetails = sql.raw(named ? 'true' : 'false');
  const [row] = await db
    .insert(stores)
    .values({
      accountId: account.id,
      slug: uniqueSlugSql(wantedSlug, account.id),
      name,
      email: account.email ?? account.business_profile?.support_email ?? null,
      country: account.country ?? null,
      status: storeStatus(account),
      chargesEnabled: account.charges_enabled ?? false,
      payoutsEnabled: account.payouts_enabled ?? false,
      disabledReason: account.requirements?.disabled_reason ?? null,
      pages: pagesFor(name, account),
      settings: { currency: account.default_currency ?? 'usd', feeBps: getConfig().PLATFORM_FEE_BPS },
      lastEventAt: opts.eventCreated,
    })
    .onConflictDoUpdate({
      target: stores.accountId,
      set: {
        name: sql`case when ${takeDetails} and ${stores.sellerEditedAt} is null then excluded.name else ${stores.name} end`,
        pages: sql`case when ${takeDetails} and ${stores.sellerEditedAt} is null then excluded.pages else ${stores.pages} end`,
        email: sql`coalesce(excluded.email, ${stores.email})`,
        country: sql`coalesce(excluded.country, ${stores.country})`,
        status: opts.reconnect
          ? sql`excluded.status`
          : sql`case when ${stores.status} = 'disconnected' then ${stores.status} else excluded.status end`,
        chargesEnabled: sql`excluded.charges_enabled`,
        payoutsEnabled: sql`excluded.payouts_enabled`,
        disabledReason: sql`excluded.disabled_reason`,
        settings: sql`${stores.settings} || jsonb_build_object('currency', excluded.settings->'currency')`,
        lastEventAt: sql`coalesce(excluded.last_event_at, ${stores.lastEventAt})`,
        updatedAt: sql`now()`,
      },
      setWhere: newerThan(stores.lastEventAt, mode === 'current'),
    })
    .returning();
  return row;
}

export interface PendingStoreInput {
  accountId: string;
  name: string;
  email: string | null;
  country: string | null;
}

/**
 * The onboarding route's store, written before any webhook. Never overwrites: if a webhook
 * built the store first, that row (and its slug) is returned as it is.
 */
export async function ensurePendingStore(db: Db, input: PendingStoreInput): Promise<Store> {
  const [created] = await db
    .insert(stores)
    .values({
      accountId: input.accountId,
      slug: uniqueSlugSql(slugify(input.name), input.accountId),
      name: input.name,
      email: input.email,
      country: input.country,
      status: 'pending',
      pages: pagesFor(input.name, { business_profile: null }),
      settings: { currency: 'usd', feeBps: getConfig().PLATFORM_FEE_BPS },
    })
    .onConflictDoNothing({ target: stores.accountId })
    .returning();
  if (created) return created;
  const [existing] = await db.select().from(stores).where(eq(stores.accountId, input.accountId));
  return existing!;
}
