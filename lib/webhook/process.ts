import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { retryLostRace } from '../db/lost-race.js';
import { describeThrown } from '../http/errors.js';
import { findHandler } from './dispatch.js';
import { Claim, DuplicateEvent, ReadOutside } from './claim.js';
import { recordFailure, recordIgnored, type EventSource } from './record.js';
import { eventMeta, type Apply, type IncomingEvent, type ThinEvent } from './types.js';

export interface ProcessOptions {
  source: EventSource;
  /** The body exactly as Stripe sent it; stored verbatim. Replay and reconcile omit it. */
  rawPayload?: string;
}

export interface ProcessResult {
  status: 'processed' | 'duplicate' | 'ignored' | 'failed';
  reason?: string;
  /** Class and message of the failure; never a payload or a secret. */
  error?: string;
}

/**
 * The single apply path for webhook deliveries, replays and reconcile: record, dedupe,
 * dispatch, and failure bookkeeping. A handler's Stripe reads come first, outside any
 * transaction; then the event row and its effects commit in one transaction.
 * A stored `failed` event is retried; a processed or ignored one reports `duplicate`.
 */
export async function processEvent(db: Db, event: Stripe.Event | ThinEvent, opts: ProcessOptions): Promise<ProcessResult> {
  const meta = eventMeta(event);
  const payload = opts.rawPayload ?? JSON.stringify(event);
  const handler = findHandler(event);
  if (!handler) {
    return (await recordIgnored(db, meta, payload, opts.source)) ? { status: 'ignored' } : { status: 'duplicate' };
  }
  const reads = new Map<string, unknown>();
  const attempt = (apply: Apply) =>
    db.transaction(async (tx): Promise<ProcessResult> => {
      const claim = new Claim(meta, payload, opts.source, reads);
      const reason = await apply(tx, claim);
      await claim.ensure(tx); // a handler that wrote nothing still records the event
      return reason ? { status: 'processed', reason } : { status: 'processed' };
    }).catch((err: unknown) => {
      if (err instanceof DuplicateEvent) return { status: 'duplicate' } as const;
      throw err;
    });
  try {
    const apply = await handler(); // Stripe reads, before the transaction opens
    for (;;) {
      try {
        // Another event of the same order may have created it a moment ago, in a transaction we
        // could not see, or locked it through another key (a deadlock): trying again joins it.
        return await retryLostRace(() => attempt(apply));
      } catch (err) {
        // A read found necessary inside (a same-second tie): made between attempts, once per key.
        if (!(err instanceof ReadOutside) || reads.has(err.key)) throw err;
        reads.set(err.key, await err.read());
      }
    }
  } catch (err) {
    const error = describeError(err);
    // A Stripe read fails before the claim can tell a duplicate: if another delivery already
    // applied the event, this one is that duplicate (200), not a failure for Stripe to retry.
    if (!(await recordFailure(db, meta, payload, opts.source, error))) return { status: 'duplicate' };
    return { status: 'failed', error };
  }
}

// One cause deep: drizzle wraps the driver's error, whose message says what failed.
function describeError(err: unknown): string {
  return describeThrown(err instanceof Error && err.cause instanceof Error ? err.cause : err, 500);
}

export type { IncomingEvent };
