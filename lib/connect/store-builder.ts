import { and, eq, isNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { getConfig } from '../config/index.js';
import { retryLostRace } from '../db/lost-race.js';
import type { Db } from '../db/client.js';
import { p } from '../db/prepared.js';
import { orders, stores, type StoreStatus } from '../db/schema.js';
import { getStripe } from '../stripe/client.js';
import { claimingStatement, type Claim } from '../webhook/claim.js';
import { applyOrdered, newerThan } from '../webhook/ordering.js';
import { businessName, pagesFor, storeStatus, UNNAMED_STORE } from './store-pages.js';
import { accountSlug, slugify, slugValues, uniqueSlugSql, uniqueSlugValue, unnamedSlug } from './store-slug.js';

export type Store = typeof stores.$inferSelect;

export interface StoreOptions {
  /**
   * `created` of the event that carried the account, or the time it was read from Stripe (so
   * that an older snapshot arriving later is stale); null applies it whatever is stored.
   */
  eventCreated: number | null;
  /** `account.application.authorized`: a disconnected store may come back. */
  reconnect?: boolean;
  /** The webhook's event claim, folded into the store upsert (webhook/claim.ts). */
  claim?: Claim;
}

/** What the webhook and the onboarding return need of the store they wrote. */
export interface StoreWritten {
  slug: string;
  status: StoreStatus;
}

/**
 * Builds the store on the first sighting of an account, whichever event brings it, and keeps
 * status and details current afterwards without clobbering what the seller edited. Returns
 * null when a newer event already applied (the stale snapshot is dropped).
 */
export async function upsertStoreFromAccount(db: Db, account: Stripe.Account, opts: StoreOptions): Promise<StoreWritten | null> {
  const result = await applyOrdered({
    created: opts.eventCreated,
    apply: (mode) => writeStore(db, account, opts, mode === 'current', opts.claim),
    lastApplied: async () => {
      const [row] = await db.select({ at: stores.lastEventAt, status: stores.status }).from(stores).where(eq(stores.accountId, account.id));
      // A deauthorisation wins a same-second tie (store-disconnect.ts), and the account can no
      // longer be read to settle one: only an authorisation may bring the store back.
      return row?.status === 'disconnected' && !opts.reconnect ? null : row?.at;
    },
    current: { key: `account:${account.id}`, read: () => getStripe().accounts.retrieve(account.id) },
    applyCurrent: (current) => writeStore(db, current, opts, true),
    claim: opts.claim,
  });
  return result.row;
}

/**
 * Orders paid to the account before its store existed (its first account event came after the
 * payment) join the store the statement just wrote (`up`, with `id`; `accountId` named).
 */
export const adoptOrders = sql`, adopted as (
    update orders set store_id = up.id, updated_at = now() from up
    where orders.store_account_id = ${p('accountId')} and orders.store_id is null
  )`;

// `details`: before onboarding collects a business name, keep the name the seller typed at
// sign-up. Snapshots are ordered by `last_event_at` (`newer`); whether the platform is
// connected by `connection_event_at` alone (`connects`: an authorisation newer than the last
// deauthorisation, its account read just now), so a stale snapshot can neither reconnect nor
// keep a newer authorisation from reconnecting. A store still on its placeholder slug (built
// before the business had a name, or by a deauthorisation) takes the first named snapshot's
// slug as well; an older row named after the login email or the account id (`leaked`) takes
// the placeholder, or the name, from any newer snapshot.
const newer = newerThan(sql`stores.last_event_at`, sql`${p('current')}::boolean`);
// Rows written before placeholders were named after the login email or the account id.
const leaked = sql`(stores.name = stores.account_id or stores.name = stores.email)`;
const connects = sql`(${p('reconnect')}::boolean and (stores.connection_event_at is null
  or excluded.connection_event_at > stores.connection_event_at))`;
const statusFollows = sql`(${connects} or (${newer}) and stores.status <> 'disconnected')`;
const upsertStore = claimingStatement<StoreWritten>('stores_account', (claim) => sql`with ${claim.cte}up as (
  insert into stores (account_id, slug, name, email, country, status, charges_enabled, payouts_enabled, disabled_reason,
    pages, settings, last_event_at, connection_event_at)
  values (${p('accountId')}, ${uniqueSlugValue}, ${p('name')}, ${p('email')}, ${p('country')}, ${p('status')},
    ${p('chargesEnabled')}, ${p('payoutsEnabled')}, ${p('disabledReason')}, ${p('pages')}::jsonb, ${p('settings')}::jsonb,
    ${claim.marker(sql`${p('eventCreated')}::bigint`)}, case when ${p('reconnect')}::boolean then ${p('eventCreated')}::bigint end)
  on conflict (account_id) do update set
    name = case when (${newer}) and (${p('details')}::boolean or ${leaked}) and stores.seller_edited_at is null then excluded.name else stores.name end,
    pages = case when (${newer}) and (${p('details')}::boolean or ${leaked}) and stores.seller_edited_at is null then excluded.pages else stores.pages end,
    slug = case when (${newer}) and (${p('details')}::boolean or ${leaked}) and stores.seller_edited_at is null
      and (starts_with(stores.slug, ${p('unnamedSlug')}) or (${leaked} and excluded.name <> stores.name)) then excluded.slug else stores.slug end,
    email = case when ${newer} then coalesce(excluded.email, stores.email) else stores.email end,
    country = case when ${newer} then coalesce(excluded.country, stores.country) else stores.country end,
    status = case when ${statusFollows} then excluded.status else stores.status end,
    charges_enabled = case when ${statusFollows} then excluded.charges_enabled else stores.charges_enabled end,
    payouts_enabled = case when ${statusFollows} then excluded.payouts_enabled else stores.payouts_enabled end,
    disabled_reason = case when ${newer} then excluded.disabled_reason else stores.disabled_reason end,
    settings = case when ${newer} then stores.settings || jsonb_build_object('currency', excluded.settings->'currency') else stores.settings end,
    last_event_at = case when ${newer} then coalesce(excluded.last_event_at, stores.last_event_at) else stores.last_event_at end,
    connection_event_at = case when ${connects} then excluded.connection_event_at else stores.connection_event_at end,
    updated_at = now()
  where ${newer} or ${connects}
  returning id, slug, status
  )${adoptOrders}
  select slug, status, ${claim.claimed} as claimed from up`);

async function writeStore(db: Db, account: Stripe.Account, opts: StoreOptions, current: boolean, claim?: Claim): Promise<StoreWritten | undefined> {
  const named = businessName(account);
  const name = named ?? UNNAMED_STORE;
  return upsertStore(db, {
    accountId: account.id,
    ...slugValues(accountSlug(account.id, named, account.metadata?.store_slug), account.id),
    unnamedSlug: unnamedSlug(account.id),
    name,
    email: account.email ?? account.business_profile?.support_email ?? null,
    country: account.country ?? null,
    status: storeStatus(account),
    chargesEnabled: account.charges_enabled ?? false,
    payoutsEnabled: account.payouts_enabled ?? false,
    disabledReason: account.requirements?.disabled_reason ?? null,
    pages: JSON.stringify(pagesFor(name, account)),
    settings: JSON.stringify({ currency: account.default_currency ?? 'usd', feeBps: getConfig().PLATFORM_FEE_BPS }),
    eventCreated: opts.eventCreated,
    details: named !== null,
    reconnect: opts.reconnect ?? false,
    current,
  }, claim);
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
  // Two stores named alike at the same moment both find the slug free; the loser's insert fails
  // on it, and trying again takes the fallback slug (or finds this account's row).
  return retryLostRace(() => insertPendingStore(db, input));
}

async function insertPendingStore(db: Db, input: PendingStoreInput): Promise<Store> {
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
  if (created) {
    await db.update(orders).set({ storeId: created.id, updatedAt: sql`now()` })
      .where(and(eq(orders.storeAccountId, input.accountId), isNull(orders.storeId)));
    return created;
  }
  const [existing] = await db.select().from(stores).where(eq(stores.accountId, input.accountId));
  return existing!;
}
