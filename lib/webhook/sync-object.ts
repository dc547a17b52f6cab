import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { p } from '../db/prepared.js';
import { customers, prices, products, subscriptions } from '../db/schema.js';
import { claimingStatement, type Claim } from './claim.js';
import { applyOrdered, newerThan, type Ordered } from './ordering.js';

/** Tables that mirror one Stripe object per row, keyed by `stripe_id`, guarded by `last_event_at`. */
const synced = { customers, products, prices, subscriptions };
export type SyncedTable = keyof typeof synced;

/** The written row's id, as the driver returns a bigint. */
export interface SyncedRow { id: string | number }

/**
 * The guarded upsert of one mirrored object: insert, or overwrite the row with the event's
 * values when the event is newer than the row's (see ordering.ts for ties). Each table lists
 * its own columns, values and `set`; this adds the owning account, the claim, the guard and
 * the answer. A null account never erases a known one. `then`: more CTEs, run only for an
 * applied write (they read `up`, which returns `id` and the columns named in `returning`), so
 * that what follows the object commits with it in the same statement. Run with each column's value plus `stripeId`, `account`, `lastEventAt` and
 * `current` (a tie may apply).
 */
export function syncStatement(table: SyncedTable, parts: { columns: string; values: SQL; set: SQL; then?: SQL; returning?: string }) {
  const name = sql.raw(table);
  return claimingStatement<SyncedRow>(`sync_${table}`, (claim) => sql`with ${claim.cte}up as (
    insert into ${name} (stripe_id, account_id, ${sql.raw(parts.columns)}, last_event_at)
    values (${p('stripeId')}, ${p('account')}, ${parts.values}, ${claim.marker(sql`${p('lastEventAt')}::bigint`)})
    on conflict (stripe_id) do update set
      account_id = coalesce(excluded.account_id, ${name}.account_id),
      ${parts.set}, last_event_at = excluded.last_event_at, updated_at = now()
    where ${newerThan(sql.raw(`${table}.last_event_at`), sql`${p('current')}::boolean`)}
    returning id${sql.raw(parts.returning ? `, ${parts.returning}` : '')})${parts.then ?? sql``}
  select id, ${claim.claimed} as claimed from up`);
}

export type SyncWrite<O> = (object: O, current: boolean, claim?: Claim) => Promise<SyncedRow | undefined>;

/** Upserts an event's snapshot; on a same-second tie, Stripe's current object is applied. */
export async function syncOrdered<O>(tx: Db, table: SyncedTable, args: {
  stripeId: string;
  object: O;
  created: number | null;
  write: SyncWrite<O>;
  refetch: () => Promise<O>;
  claim?: Claim;
}): Promise<Ordered<SyncedRow>> {
  const t = synced[table];
  return applyOrdered({
    created: args.created,
    apply: (mode) => args.write(args.object, mode === 'current', args.claim),
    lastApplied: async () => (await tx.select({ at: t.lastEventAt }).from(t).where(eq(t.stripeId, args.stripeId)))[0]?.at,
    current: { key: `${table}:${args.stripeId}`, read: args.refetch },
    applyCurrent: (object) => args.write(object, true),
    claim: args.claim,
  });
}

export function outcomeNote<T>(result: Ordered<T>, what: string): string {
  if (result.outcome === 'stale') return `stale: a newer ${what} event was already applied`;
  return result.outcome === 'tie_settled' ? `${what} synced (same-second tie settled from Stripe)` : `${what} synced`;
}
