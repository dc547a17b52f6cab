import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { getConfig } from '../config/index.js';
import type { Db } from '../db/client.js';
import { emailOutbox } from '../db/schema.js';
import { log } from '../http/log.js';

export const RESEND_API_BASE = 'https://api.resend.com';
const SEND_TIMEOUT_MS = 10_000;
/** About a day of the hourly reconcile: a provider outage is retried, a lost cause is not. */
export const MAX_ATTEMPTS = 24;
/** Resend's answers about the message itself; auth (401/403) and rate limits (429) may pass. */
const REJECTED = new Set([400, 422]);
/**
 * Longest wait on Resend's Retry-After within one run (its default limit is 2 requests a
 * second), each time and in all: past it the rest waits for the next run, so that the cron
 * function ends well inside its time limit.
 */
const MAX_RETRY_AFTER_MS = 2_000;
const MAX_RATE_LIMIT_WAIT_MS = 5_000;

export interface SendPendingOptions {
  /** Tests point this at a local stand-in; production always uses Resend's address. */
  baseUrl?: string;
  /** Most rows tried in one run, so a cron invocation stays well inside its time limit. */
  limit?: number;
}

export interface SendPendingResult {
  configured: boolean;
  sent: number;
  failed: number;
}

/**
 * Delivers pending order confirmations through Resend's REST API. Each row is claimed with
 * `FOR UPDATE SKIP LOCKED` for the length of its send, so two runs (a cron and a manual one)
 * never mail the same order; the Idempotency-Key covers a crash between send and commit.
 * A failure leaves the row pending with the error and one more attempt; the next run retries.
 * Our own sending rate (429) is no failure of the message: the row is tried again after the
 * provider's Retry-After, without spending an attempt, or left for the next run if it says wait longer.
 * A message the provider rejects as such (400, 422: a malformed address, say), or one that has
 * failed MAX_ATTEMPTS times, is given up: `failed`, logged as an error, never sent again.
 * Without RESEND_API_KEY and EMAIL_FROM nothing is sent and rows wait (see local/dev-outbox).
 */
export async function sendPendingEmails(db: Db, opts: SendPendingOptions = {}): Promise<SendPendingResult> {
  const { RESEND_API_KEY: apiKey, EMAIL_FROM: from } = getConfig();
  if (!apiKey || !from) return { configured: false, sent: 0, failed: 0 };
  const result: SendPendingResult = { configured: true, sent: 0, failed: 0 };
  const limit = opts.limit ?? 50;
  let lastId = 0;
  let waitMs = 0;
  let waited = 0;
  for (let i = 0; i < limit; i++) {
    if (waitMs > MAX_RETRY_AFTER_MS || waited + waitMs > MAX_RATE_LIMIT_WAIT_MS) break;
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    waited += waitMs;
    waitMs = 0;
    const outcome = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.status, 'pending'), gt(emailOutbox.id, lastId)))
        .orderBy(asc(emailOutbox.id))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return null;
      const sent = await sendOne(opts.baseUrl ?? RESEND_API_BASE, apiKey, from, row);
      if (!sent.ok && sent.retryAfterMs !== null) {
        waitMs = sent.retryAfterMs; // the same row again, after the wait
        await tx.update(emailOutbox).set({ lastError: sent.error }).where(eq(emailOutbox.id, row.id));
        log('warn', 'email', { outboxId: row.id, orderId: row.orderId, outcome: 'rate limited', error: sent.error });
        return 'later' as const;
      }
      lastId = row.id;
      const giveUp = !sent.ok && (sent.rejected || row.attempts + 1 >= MAX_ATTEMPTS);
      await tx
        .update(emailOutbox)
        .set(sent.ok
          ? { status: 'sent', sentAt: new Date(), providerMessageId: sent.id, lastError: null, attempts: sql`${emailOutbox.attempts} + 1` }
          : { lastError: sent.error, attempts: sql`${emailOutbox.attempts} + 1`, status: giveUp ? 'failed' : 'pending' })
        .where(eq(emailOutbox.id, row.id));
      const outcome = sent.ok ? 'sent' : giveUp ? 'given up' : 'failed';
      log(sent.ok ? 'info' : giveUp ? 'error' : 'warn', 'email', { outboxId: row.id, orderId: row.orderId, outcome, error: sent.ok ? undefined : sent.error });
      return sent.ok;
    });
    if (outcome === null) break;
    if (outcome === 'later') continue;
    if (outcome) result.sent++;
    else result.failed++;
  }
  return result;
}

type Row = typeof emailOutbox.$inferSelect;
type SendOutcome = { ok: true; id: string | null } | { ok: false; error: string; rejected: boolean; retryAfterMs: number | null };

async function sendOne(baseUrl: string, apiKey: string, from: string, row: Row): Promise<SendOutcome> {
  try {
    const res = await fetch(new URL('/emails', baseUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        // Resend keeps idempotency keys for 24 hours: a retried send is not a second mail.
        'idempotency-key': `order-${row.orderId}`,
      },
      body: JSON.stringify({ from, to: [row.to], subject: row.subject, html: row.html, text: row.text }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => null)) as { id?: string; name?: string; message?: string } | null;
    if (res.ok) return { ok: true, id: body?.id ?? null };
    const detail = [body?.name, body?.message].filter(Boolean).join(': ');
    const error = `provider answered ${res.status}${detail ? ` (${detail})` : ''}`.slice(0, 300);
    return { ok: false, error, rejected: REJECTED.has(res.status), retryAfterMs: res.status === 429 ? retryAfterMs(res.headers.get('retry-after')) : null };
  } catch (err) {
    return { ok: false, error: `provider unreachable (${err instanceof Error ? err.name : 'error'})`, rejected: false, retryAfterMs: null };
  }
}

// Seconds, as Resend sends it; a date or nothing means a second.
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}
