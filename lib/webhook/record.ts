import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { webhookEvents } from '../db/schema.js';
import type { EventMeta } from './types.js';

export type EventSource = 'webhook' | 'replay' | 'reconcile';

function row(meta: EventMeta, payload: string, source: EventSource) {
  return {
    id: meta.id,
    type: meta.type,
    accountId: meta.accountId,
    apiVersion: meta.apiVersion,
    stripeCreated: meta.created,
    // Cast in SQL, not stringified by the driver: `json` keeps Stripe's text byte for byte.
    payload: sql`${payload}::json`,
    source,
  };
}

/**
 * Claims the event inside the transaction that applies it, writing it as `processed` (the
 * commit makes that true; a rollback makes the row vanish). A concurrent delivery's INSERT
 * waits on the uncommitted primary key and then sees a conflict: effects happen once. A row
 * left `failed` by an earlier attempt is taken over, so a retry or a replay can succeed.
 * Returns false for a duplicate.
 */
export async function claimEvent(tx: Db, meta: EventMeta, payload: string, source: EventSource): Promise<boolean> {
  return (await claimInsert(tx, meta, payload, source).returning({ id: webhookEvents.id })).length > 0;
}

/**
 * `claimInsert(…).returning({ id })` written out by hand: it runs once per event, and building
 * it with the query builder cost more CPU than the rest of the statement it is folded into.
 * Same columns and conflict rule as claimInsert (the tests in test/webhook hold both to it).
 */
export function claimReturningId(meta: EventMeta, payload: string, source: EventSource): SQL {
  return sql`insert into webhook_events (id, type, account_id, api_version, stripe_created, payload, status, attempts, source, processed_at)
    values (${meta.id}, ${meta.type}, ${meta.accountId}, ${meta.apiVersion}, ${meta.created}, ${payload}::json, 'processed', 1, ${source}, now())
    on conflict (id) do update set status = 'processed', attempts = webhook_events.attempts + 1, last_error = null,
      source = excluded.source, processed_at = now(), updated_at = now()
    where webhook_events.status = 'failed'
    returning id`;
}

export function claimInsert(tx: Db, meta: EventMeta, payload: string, source: EventSource) {
  return tx
    .insert(webhookEvents)
    .values({ ...row(meta, payload, source), status: 'processed', attempts: 1, processedAt: sql`now()` })
    .onConflictDoUpdate({
      target: webhookEvents.id,
      set: {
        status: 'processed',
        attempts: sql`${webhookEvents.attempts} + 1`,
        lastError: null,
        source,
        processedAt: sql`now()`,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${webhookEvents.status} = 'failed'`,
    });
}

/** An event type we do not handle: stored, acknowledged. Returns false for a duplicate. */
export async function recordIgnored(db: Db, meta: EventMeta, payload: string, source: EventSource): Promise<boolean> {
  const rows = await db
    .insert(webhookEvents)
    .values({ ...row(meta, payload, source), status: 'ignored', attempts: 1, processedAt: sql`now()` })
    .onConflictDoNothing({ target: webhookEvents.id })
    .returning({ id: webhookEvents.id });
  return rows.length > 0;
}

/** After the rollback: the event is kept as `failed` with the error and one more attempt. */
export async function recordFailure(db: Db, meta: EventMeta, payload: string, source: EventSource, error: string): Promise<void> {
  await db
    .insert(webhookEvents)
    .values({ ...row(meta, payload, source), status: 'failed', attempts: 1, lastError: error })
    .onConflictDoUpdate({
      target: webhookEvents.id,
      set: { status: 'failed', attempts: sql`${webhookEvents.attempts} + 1`, lastError: error, source, updatedAt: sql`now()` },
      setWhere: sql`${webhookEvents.status} in ('failed', 'processing')`,
    });
}
