import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { isMissing } from '../stripe/client.js';
import type { Claim } from './claim.js';

/**
 * `newer`: the event's object wins only over rows applied from strictly older events.
 * `current`: the object was just read from Stripe, so it also wins a same-second tie.
 */
export type ApplyMode = 'newer' | 'current';

/**
 * The `where` of a guarded upsert's DO UPDATE: stale writes return no row. `current` is a
 * boolean (or a boolean value of the statement) that also lets a same-second write through.
 */
export function newerThan(lastEventAt: AnyPgColumn | SQL, current: SQL | boolean): SQL {
  return sql`${lastEventAt} is null or excluded.last_event_at is null or ${lastEventAt} < excluded.last_event_at
    or (${current} and ${lastEventAt} = excluded.last_event_at)`;
}

const GONE = Symbol('gone from Stripe');

export type Ordered<T> = { row: T; outcome: 'applied' | 'tie_settled' } | { row: null; outcome: 'stale' };

/**
 * Applies an event's snapshot of an object unless a newer event already did. Stripe's
 * `created` has one-second resolution, so two updates in one second cannot be ordered by it
 * (stripe-sync-engine keeps whichever arrived last): on a tie we read the object from Stripe
 * and apply its current state. On the webhook (`claim`), that read is made between two
 * attempts of the transaction, never inside one (Claim.readOutside). Costs nothing extra on
 * the common path.
 */
export async function applyOrdered<T, O>(steps: {
  created: number | null;
  apply: (mode: ApplyMode) => Promise<T | undefined>;
  lastApplied: () => Promise<number | null | undefined>;
  /** Reads Stripe's current object; `key` names the read for the event's retry. */
  current: { key: string; read: () => Promise<O> };
  applyCurrent: (object: O) => Promise<T | undefined>;
  claim?: Claim;
}): Promise<Ordered<T>> {
  const row = await steps.apply(steps.created === null ? 'current' : 'newer');
  if (row !== undefined) return { row, outcome: 'applied' };
  if ((await steps.lastApplied()) !== steps.created) return { row: null, outcome: 'stale' };
  const { key, read } = steps.current;
  // Gone from Stripe (a product deleted in the same second): its deletion event settles it.
  const readOrGone = () => read().catch((err: unknown) => (isMissing(err) ? GONE : Promise.reject(err)));
  const object = steps.claim ? steps.claim.readOutside(key, readOrGone) : await readOrGone();
  if (object === GONE) return { row: null, outcome: 'stale' };
  const current = await steps.applyCurrent(object);
  return current === undefined ? { row: null, outcome: 'stale' } : { row: current, outcome: 'tie_settled' };
}
