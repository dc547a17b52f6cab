import { inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { webhookEvents } from '../db/schema.js';
import { sendPendingEmails } from '../email/send-pending.js';
import { log } from '../http/log.js';
import { processEvent } from '../webhook/process.js';
import { advanceCheckpoint, readCheckpoint } from './checkpoint.js';
import { fetchEventsSince, MAX_LOOKBACK_SECONDS } from './fetch-events.js';

export const EVENTS_CHECKPOINT = 'events';

export interface ReconcileResult {
  since: number;
  fetched: number;
  applied: number;
  ignored: number;
  duplicates: number;
  failed: number;
  emailsSent: number;
  emailsFailed: number;
  /** The stored checkpoint after this run (unix seconds), null if nothing was ever applied. */
  checkpoint: number | null;
}

export interface ReconcileOptions {
  /** For tests: where the email sender posts (a local stand-in for Resend). */
  emailBaseUrl?: string;
  now?: number;
}

/**
 * Recovers events Stripe could not deliver (an outage longer than its retries, a disabled
 * endpoint): reads Stripe's event list since the checkpoint and applies each event we have not
 * processed, oldest first, through the webhook's own apply path. The checkpoint advances only
 * over a run of successes, so a failed event is read again next time (and replay still works).
 * Then it retries unsent confirmation emails.
 */
export async function reconcile(db: Db, stripe: Stripe, opts: ReconcileOptions = {}): Promise<ReconcileResult> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const floor = now - MAX_LOOKBACK_SECONDS;
  const since = Math.max((await readCheckpoint(db, EVENTS_CHECKPOINT)) ?? floor, floor);
  const events = await fetchEventsSince(stripe, since);
  const done = await settledIds(db, events.map((e) => e.id));

  const result = { since, fetched: events.length, applied: 0, ignored: 0, duplicates: 0, failed: 0 };
  let advanceTo: number | null = null;
  let blocked = false;
  for (const event of events) {
    const outcome = done.has(event.id) ? 'duplicate' : (await processEvent(db, event, { source: 'reconcile' })).status;
    if (outcome === 'processed') result.applied++;
    else if (outcome === 'ignored') result.ignored++;
    else if (outcome === 'duplicate') result.duplicates++;
    else result.failed++;
    if (outcome === 'failed') blocked = true;
    else if (!blocked) advanceTo = event.created;
    if (outcome !== 'duplicate') {
      log(outcome === 'failed' ? 'warn' : 'info', 'reconcile event', { eventId: event.id, eventType: event.type, outcome, source: 'reconcile' });
    }
  }
  if (advanceTo !== null) await advanceCheckpoint(db, EVENTS_CHECKPOINT, advanceTo);

  const mail = await sendPendingEmails(db, { baseUrl: opts.emailBaseUrl });
  return {
    ...result,
    emailsSent: mail.sent,
    emailsFailed: mail.failed,
    checkpoint: await readCheckpoint(db, EVENTS_CHECKPOINT),
  };
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
