import { inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { webhookEvents } from '../db/schema.js';
import { log } from '../http/log.js';
import { processEvent } from '../webhook/process.js';
import { advanceCheckpoint, readStreamState } from './checkpoint.js';
import { fetchEventsSince, MAX_LOOKBACK_SECONDS } from './fetch-events.js';

export const LATE_LISTING_SECONDS = 10 * 60;

/** The platform's own stream; each connected account's is `events:acct_…`. */
export const EVENTS_CHECKPOINT = 'events';

export interface StreamCounts {
  fetched: number;
  applied: number;
  ignored: number;
  duplicates: number;
  failed: number;
}

/**
 * One stream. The checkpoint advances only over an unbroken run of successes, so a failed
 * event is read again next time (replay still works on it meanwhile); never more than 30 days
 * back, which is as far as Stripe keeps events. A window too large for one run (`limits`) is
 * read over several, newest part first: the events read are applied, and the next run reads
 * below the oldest of them; the checkpoint moves once the oldest part is read.
 */
export async function reconcileStream(
  db: Db, stripe: Stripe, now: number, account: string | null, limits: { maxPages?: number; budgetMs?: number } = {},
) {
  const name = account ? `${EVENTS_CHECKPOINT}:${account}` : EVENTS_CHECKPOINT;
  const floor = now - MAX_LOOKBACK_SECONDS;
  const state = await readStreamState(db, name);
  // Stripe's event list is eventually consistent: an event can be listed after newer ones.
  // Reading a few minutes behind the checkpoint catches it; what is already settled is skipped.
  const since = Math.max((state.checkpoint ?? floor) - LATE_LISTING_SECONDS, floor);
  const { events, truncated, lastId } = await fetchEventsSince(stripe, since, account, {
    until: state.readBelow, after: state.readAfterId, ...limits,
  });
  const done = await settledIds(db, events.map((e) => e.id));

  const counts: StreamCounts = { fetched: events.length, applied: 0, ignored: 0, duplicates: 0, failed: 0 };
  let advanceTo: number | null = null;
  let firstFailure: number | null = null;
  for (const event of events) {
    if (account) event.account ??= account; // the effects belong to that account's store
    const outcome = done.has(event.id) ? 'duplicate' : (await processEvent(db, event, { source: 'reconcile' })).status;
    if (outcome === 'processed') counts.applied++;
    else if (outcome === 'ignored') counts.ignored++;
    else if (outcome === 'duplicate') counts.duplicates++;
    else counts.failed++;
    if (outcome === 'failed') firstFailure ??= event.created;
    else if (firstFailure === null) advanceTo = event.created;
    if (outcome !== 'duplicate') {
      log(outcome === 'failed' ? 'warn' : 'info', 'event', { eventId: event.id, eventType: event.type, outcome, source: 'reconcile' });
    }
  }
  if (truncated) {
    // Older events than these were not read: the checkpoint stays, and the next run lists on
    // after the last one read (Stripe's cursor: a second can hold more events than a run reads).
    // Once that part is read, the checkpoint may pass what was settled up here, not a failure.
    const readBelow = events[0]!.created;
    const thenTo = Math.min(state.thenTo ?? events.at(-1)!.created, firstFailure ?? Infinity);
    log('warn', 'reconcile truncated', { stream: name, fetched: events.length, readBelow });
    await advanceCheckpoint(db, name, state.checkpoint, { readBelow, readAfterId: lastId, thenTo });
  } else if (state.readBelow !== null) {
    // The oldest part under stopped runs is read: everything up to what they settled is, unless
    // it failed here; then the checkpoint stops before the failure, and the next run reads from
    // there to now as usual (a failure must not keep newer events from being read).
    await advanceCheckpoint(db, name, firstFailure === null ? (state.thenTo ?? advanceTo) : advanceTo, { readBelow: null, readAfterId: null, thenTo: null });
  } else if (advanceTo !== null) {
    await advanceCheckpoint(db, name, advanceTo);
  }
  return { since, counts };
}

/** Ids already applied or deliberately ignored: skipped without opening a transaction each. */
async function settledIds(db: Db, ids: string[]): Promise<Set<string>> {
  const done = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .select({ id: webhookEvents.id, status: webhookEvents.status })
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, ids.slice(i, i + 500)));
    for (const r of rows) if (r.status === 'processed' || r.status === 'ignored') done.add(r.id);
  }
  return done;
}
