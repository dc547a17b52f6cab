import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { stores } from '../db/schema.js';
import { sendPendingEmails } from '../email/send-pending.js';
import { ApiError } from '../http/errors.js';
import { log } from '../http/log.js';
import { upsertStoreFromAccount } from '../connect/store-builder.js';
import { advanceCheckpoint, readCheckpoint } from './checkpoint.js';
import { MAX_LOOKBACK_SECONDS } from './fetch-events.js';
import { EVENTS_CHECKPOINT, LATE_LISTING_SECONDS, reconcileStream, type StreamCounts } from './reconcile-stream.js';

/** Connected accounts listed up to here (their `created`, unix seconds). */
const ACCOUNTS_CHECKPOINT = 'accounts';

export { EVENTS_CHECKPOINT };

export interface ReconcileResult extends StreamCounts {
  /** Where the platform stream started reading (unix seconds). */
  since: number;
  /** Connected accounts whose own event streams were read too, and how many could not be. */
  accounts: number;
  accountErrors: number;
  emailsSent: number;
  emailsFailed: number;
  /** The platform stream's checkpoint after this run, null if nothing was ever applied. */
  checkpoint: number | null;
}

export interface ReconcileOptions {
  /** For tests: where the email sender posts (a local stand-in for Resend). */
  emailBaseUrl?: string;
  now?: number;
  /** For tests: pages of 100 events read per stream per run (default 200), and for how long. */
  maxPages?: number;
  listBudgetMs?: number;
}

/**
 * Recovers events Stripe could not deliver (an outage longer than its retries, a disabled
 * endpoint): reads Stripe's event list since each stream's checkpoint and applies every event
 * not yet processed, oldest first, through the webhook's own apply path. Connected accounts'
 * events (`account.updated`…) live in each account's own list, read with `Stripe-Account`.
 * Then it retries unsent confirmation emails.
 */
export async function reconcile(db: Db, stripe: Stripe, opts: ReconcileOptions = {}): Promise<ReconcileResult> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const limits = { maxPages: opts.maxPages, budgetMs: opts.listBudgetMs };
  // Sending needs no Stripe: a Stripe outage (the platform stream throws) still sends them.
  const platform = await reconcileStream(db, stripe, now, null, limits).catch(async (err: unknown) => {
    await sendPendingEmails(db, { baseUrl: opts.emailBaseUrl });
    throw err;
  });
  const totals: StreamCounts = { ...platform.counts };
  const storeRows = await db.select({ id: stores.accountId, status: stores.status }).from(stores);
  const accounts = storeRows.filter((s) => s.status !== 'disconnected').map((s) => ({ id: s.id }));
  let accountErrors = 0;
  // An account connected since the last run whose first events were all missed has no store
  // yet (one from our onboarding always has): its first sighting is here, and its stream follows.
  // Listed since the last listing that went through whole, so that a failed one is read again.
  try {
    const known = new Set(storeRows.map((s) => s.id));
    const floor = now - MAX_LOOKBACK_SECONDS;
    const since = Math.max(((await readCheckpoint(db, ACCOUNTS_CHECKPOINT)) ?? floor) - LATE_LISTING_SECONDS, floor);
    for await (const account of stripe.accounts.list({ created: { gte: since }, limit: 100 })) {
      if (known.has(account.id)) continue;
      await upsertStoreFromAccount(db, account, { eventCreated: now });
      accounts.push({ id: account.id });
    }
    await advanceCheckpoint(db, ACCOUNTS_CHECKPOINT, now);
  } catch (err) {
    accountErrors++;
    log('warn', 'reconcile accounts', { error: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'error' });
  }
  for (const { id } of accounts) {
    // One account Stripe refuses to list (deauthorized, deleted) must not stop the others.
    const stream = await reconcileStream(db, stripe, now, id, limits).catch((err: unknown) => {
      accountErrors++;
      log('warn', 'reconcile account', { account: id, error: err instanceof ApiError ? String(err.cause ?? err.message) : 'error' });
      return null;
    });
    for (const k of Object.keys(totals) as Array<keyof StreamCounts>) totals[k] += stream?.counts[k] ?? 0;
  }
  const mail = await sendPendingEmails(db, { baseUrl: opts.emailBaseUrl });
  return {
    since: platform.since,
    ...totals,
    accounts: accounts.length,
    accountErrors,
    emailsSent: mail.sent,
    emailsFailed: mail.failed,
    checkpoint: await readCheckpoint(db, EVENTS_CHECKPOINT),
  };
}
