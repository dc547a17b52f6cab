import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { claimEvent, claimReturningId, type EventSource } from './record.js';
import type { EventMeta } from './types.js';

/** Thrown inside the transaction when the event was already applied: rolls back, answers 200. */
export class DuplicateEvent extends Error {
  constructor() {
    super('duplicate delivery');
    this.name = 'DuplicateEvent';
  }
}

/**
 * The event's claim (see record.ts), spent once per transaction, folded into the handler's
 * first write where possible so that record and effect cost one round trip:
 *   with claim as (insert into webhook_events … returning id) insert into orders … returning …,
 *     (select count(*) from claim) as claimed
 * The write names `claim` in a value (`marker`), so Postgres runs the claim first: a concurrent
 * duplicate waits on the event's primary key before it touches any other row, then finds the
 * event taken, and the whole transaction is rolled back (DuplicateEvent). Handlers whose first
 * write cannot carry it call `ensure` before writing.
 */
export class Claim {
  private state: 'pending' | 'folded' | 'done' = 'pending';

  constructor(private readonly meta: EventMeta, private readonly payload: string, private readonly source: EventSource) {}

  /** The CTE for the first write of the transaction; null once the claim is spent. */
  cte(tx: Db) {
    if (this.state !== 'pending') return null;
    this.state = 'folded';
    return tx.$with('claim', { id: sql<string>`id` }).as(claimReturningId(this.meta, this.payload, this.source));
  }

  /** `cte` for a statement written with the `sql` template: `with claim as (…) `, or null once spent. */
  withClause(): SQL | null {
    if (this.state !== 'pending') return null;
    this.state = 'folded';
    return sql`with claim as (${claimReturningId(this.meta, this.payload, this.source)}) `;
  }

  /** A value naming the CTE, so the claim is evaluated before the write touches its rows. */
  static marker(value: number | null): SQL<number | null> {
    return sql`(select ${value}::bigint from claim)`;
  }

  static readonly claimedColumn = sql<number>`(select count(*)::int from claim)`.mapWith(Number);

  /** The folded write's verdict: 0 claimed means another delivery applied the event. */
  folded(claimed: number | undefined): void {
    this.state = 'done';
    if (!claimed) throw new DuplicateEvent();
  }

  /** A folded guarded upsert that returned no row: only a claimed, stale write does that. */
  foldedStale(): void {
    this.state = 'done';
  }

  /** Claims on its own (one more round trip) unless a write already carried the claim. */
  async ensure(tx: Db): Promise<void> {
    if (this.state === 'done') return;
    if (this.state === 'folded') throw new Error('claim folded into a write that did not report it');
    this.state = 'done';
    if (!(await claimEvent(tx, this.meta, this.payload, this.source))) throw new DuplicateEvent();
  }
}
