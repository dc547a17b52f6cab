import { eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { customers, prices, products, stores, subscriptions } from '../db/schema.js';
import { Claim } from './claim.js';
import { applyOrdered, newerThan, type ApplyMode, type Ordered } from './ordering.js';

/** Tables that mirror one Stripe object per row, keyed by `stripe_id`, guarded by `last_event_at`. */
export type SyncedTable = typeof customers | typeof products | typeof prices | typeof subscriptions;
type Values<T extends SyncedTable> = PgInsertValue<T>;

/**
 * One guarded upsert for every mirrored object: insert, or overwrite the columns given with
 * the event's values when the event is newer than the row's (see ordering.ts for ties).
 * A null `storeId` never erases a known store.
 */
export async function upsertGuarded<T extends SyncedTable>(
  tx: Db, table: T, values: Values<T>, mode: ApplyMode, claim?: Claim,
): Promise<{ id: number } | undefined> {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const set: Record<string, SQL> = { updatedAt: sql`now()` };
  for (const key of Object.keys(values)) {
    if (key === 'stripeId') continue;
    const name = sql.raw(`"${columns[key]!.name}"`);
    set[key] = key === 'storeId' ? sql`coalesce(excluded.${name}, ${table.storeId})` : sql`excluded.${name}`;
  }
  // Drizzle's insert builder cannot be generic over a union of tables; the values are typed above.
  const cte = claim?.cte(tx);
  const row = cte ? { ...values, lastEventAt: Claim.marker((values as { lastEventAt?: number | null }).lastEventAt ?? null) } : values;
  const insert = (cte ? tx.with(cte) : tx).insert(table as typeof customers).values(row as Values<typeof customers>);
  const rows = await insert
    .onConflictDoUpdate({ target: table.stripeId, set, setWhere: newerThan(table.lastEventAt, mode) })
    .returning({ id: table.id, claimed: cte ? Claim.claimedColumn : sql<number>`1` });
  // Folded: a duplicate's marker is null, which passes the guard, so it always returns a row.
  if (cte && rows[0]) claim!.folded(rows[0].claimed);
  else if (cte) claim!.foldedStale();
  return rows[0];
}

/** Upserts an event's snapshot; on a same-second tie, Stripe's current object is applied. */
export async function syncOrdered<T extends SyncedTable, O>(tx: Db, table: T, args: {
  stripeId: string;
  object: O;
  created: number | null;
  toValues: (object: O) => Values<T>;
  refetch: () => Promise<O>;
  claim?: Claim;
}): Promise<Ordered<{ id: number }>> {
  const { stripeId } = args;
  return applyOrdered({
    created: args.created,
    apply: (mode) => upsertGuarded(tx, table, args.toValues(args.object), mode, args.claim),
    lastApplied: async () => (await tx.select({ at: table.lastEventAt }).from(table as typeof customers).where(eq(table.stripeId, stripeId)))[0]?.at,
    refetchAndApply: async () => upsertGuarded(tx, table, { ...args.toValues(await args.refetch()), lastEventAt: args.created }, 'current'),
  });
}

/** The store of a connected account, as a subquery: Connect events land on that store. */
export function storeIdOf(account: string | null | undefined): SQL<number | null> {
  return account ? sql`(select ${stores.id} from ${stores} where ${stores.accountId} = ${account})` : sql`null`;
}

export function outcomeNote<T>(result: Ordered<T>, what: string): string {
  if (result.outcome === 'stale') return `stale: a newer ${what} event was already applied`;
  return result.outcome === 'tie_settled' ? `${what} synced (same-second tie settled from Stripe)` : `${what} synced`;
}
