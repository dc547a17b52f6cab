import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { eventColumns, eventRow, eventValues, type EventSource } from './record.js';
import type { EventMeta } from './types.js';

/** Thrown inside the transaction when the event was already applied: rolls back, answers 200. */
export class DuplicateEvent extends Error {
  constructor() {
    super('duplicate delivery');
    this.name = 'DuplicateEvent';
  }
}

/**
 * Claims the event inside the transaction that applies it, writing it as `processed` (the
 * commit makes that true; a rollback makes the row vanish). A concurrent delivery's INSERT
 * waits on the uncommitted primary key and then sees a conflict: effects happen once. A row
 * left `failed` by an earlier attempt is taken over, so a retry or a replay can succeed.
 * Returns the id when claimed, nothing for a duplicate.
 */
const claimInsert = sql`insert into webhook_events (${eventColumns}, status, attempts, processed_at)
  values (${eventRow}, 'processed', 1, now())
  on conflict (id) do update set status = 'processed', attempts = webhook_events.attempts + 1, last_error = null,
    source = excluded.source, processed_at = now(), updated_at = now()
  where webhook_events.status = 'failed'
  returning id`;

const claimAlone = prepared<{ id: string }>('webhook_claim', () => claimInsert);

/** How a statement carries the claim (see Claim), or stand-ins when it does not. */
export interface ClaimSlots {
  /** `with claim as (…) ` in front of the statement. */
  with: SQL;
  /** `claim as (…), ` in front of the statement's own CTEs: `with ${cte}mine as (…)`. */
  cte: SQL;
  /** A value that names the claim, so that Postgres runs the claim before the write. */
  marker(value: SQL): SQL;
  /** The rows the claim returned: 0 for a duplicate. */
  claimed: SQL;
}

const carried: ClaimSlots = {
  with: sql`with claim as (${claimInsert}) `,
  cte: sql`claim as (${claimInsert}), `,
  marker: (value) => sql`(select ${value} from claim)`,
  claimed: sql`(select count(*)::int from claim)`,
};
const absent: ClaimSlots = { with: sql``, cte: sql``, marker: (value) => value, claimed: sql`1` };

/**
 * A write that can carry the event's claim, so that record and effect cost one round trip:
 *   with claim as (insert into webhook_events … returning id) insert into orders … returning …,
 *     (select count(*) from claim) as claimed
 * The write names `claim` in a value (`marker`), so Postgres runs the claim first: a concurrent
 * duplicate waits on the event's primary key before it touches any other row, then finds the
 * event taken, and the whole transaction is rolled back (DuplicateEvent). Prepared twice: with
 * the claim, and without it (the success page, the onboarding return, a tie's second write).
 * No row back means a guarded write found a newer state (the event is still claimed).
 */
export function claimingStatement<Row>(name: string, build: (claim: ClaimSlots) => SQL) {
  const withClaim = prepared<Row & { claimed: number }>(`${name}_claiming`, () => build(carried));
  const without = prepared<Row & { claimed: number }>(name, () => build(absent));
  return async (db: Db, values: Record<string, unknown>, claim?: Claim): Promise<Row | undefined> => {
    const claimValues = claim?.take();
    if (!claimValues) return (await without(db, values))[0];
    const [row] = await withClaim(db, { ...values, ...claimValues });
    claim!.settle(row?.claimed);
    return row;
  };
}

/**
 * Thrown inside the transaction when a handler needs something from Stripe that it has not
 * read yet (a same-second tie's current object): processEvent rolls back, reads it outside
 * any transaction, and runs the transaction again with it at hand.
 */
export class ReadOutside extends Error {
  constructor(readonly key: string, readonly read: () => Promise<unknown>) {
    super(`needs ${key} from Stripe`);
    this.name = 'ReadOutside';
  }
}

/**
 * The event's claim, spent once per transaction: folded into the first write, or on its own.
 * It also carries what was read from Stripe for this event between attempts (`reads`).
 */
export class Claim {
  private state: 'pending' | 'folded' | 'done' = 'pending';

  constructor(
    private readonly meta: EventMeta,
    private readonly payload: string,
    private readonly source: EventSource,
    private readonly reads: ReadonlyMap<string, unknown> = new Map(),
  ) {}

  /** What `read` returned, read before this attempt; otherwise ends the attempt (ReadOutside). */
  readOutside<O>(key: string, read: () => Promise<O>): O {
    if (!this.reads.has(key)) throw new ReadOutside(key, read);
    return this.reads.get(key) as O;
  }

  /** The claim's values for the first write of the transaction; null once spent. */
  take(): Record<string, unknown> | null {
    if (this.state !== 'pending') return null;
    this.state = 'folded';
    return eventValues(this.meta, this.payload, this.source);
  }

  /** The folded write's verdict: 0 claimed means another delivery applied the event. */
  settle(claimed: number | undefined): void {
    this.state = 'done';
    if (claimed === 0) throw new DuplicateEvent();
  }

  /** Claims on its own (one more round trip) unless a write already carried the claim. */
  async ensure(tx: Db): Promise<void> {
    if (this.state === 'done') return;
    if (this.state === 'folded') throw new Error('claim folded into a write that did not report it');
    const values = this.take()!;
    this.state = 'done';
    if ((await claimAlone(tx, values)).length === 0) throw new DuplicateEvent();
  }
}
