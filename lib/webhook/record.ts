import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { p, prepared } from '../db/prepared.js';
import type { EventMeta } from './types.js';

export type EventSource = 'webhook' | 'replay' | 'reconcile';

/** The event row's columns and values, as every statement that writes one fills them (`eventValues`). */
export const eventColumns = sql`id, type, account_id, api_version, stripe_created, payload, source`;
export const eventRow = sql`${p('event_id')}, ${p('event_type')}, ${p('event_account')}, ${p('event_api_version')},
  ${p('event_created')}, ${p('event_payload')}::json, ${p('event_source')}`;

/**
 * The event row's values. The payload is cast to json in SQL, not stringified by the driver:
 * the column keeps Stripe's text byte for byte.
 */
export function eventValues(meta: EventMeta, payload: string, source: EventSource) {
  return {
    event_id: meta.id, event_type: meta.type, event_account: meta.accountId, event_api_version: meta.apiVersion,
    event_created: meta.created, event_payload: payload, event_source: source,
  };
}

// Claiming (the common path) is in claim.ts; these record the two outcomes without effects.

const insertIgnored = prepared<{ id: string }>('webhook_ignored', () => sql`
  insert into webhook_events (${eventColumns}, status, attempts, processed_at)
  values (${eventRow}, 'ignored', 1, now())
  on conflict (id) do nothing
  returning id`);

const upsertFailed = prepared<{ id: string }>('webhook_failed', () => sql`
  insert into webhook_events (${eventColumns}, status, attempts, last_error)
  values (${eventRow}, 'failed', 1, ${p('error')})
  on conflict (id) do update set status = 'failed', attempts = webhook_events.attempts + 1, last_error = excluded.last_error,
    source = excluded.source, updated_at = now()
  where webhook_events.status in ('failed', 'processing')
  returning id`);

/** An event type we do not handle: stored, acknowledged. Returns false for a duplicate. */
export async function recordIgnored(db: Db, meta: EventMeta, payload: string, source: EventSource): Promise<boolean> {
  return (await insertIgnored(db, eventValues(meta, payload, source))).length > 0;
}

/**
 * After the rollback: the event is kept as `failed` with the error and one more attempt.
 * Returns false when another delivery had already applied (or ignored) it: nothing changes.
 */
export async function recordFailure(db: Db, meta: EventMeta, payload: string, source: EventSource, error: string): Promise<boolean> {
  return (await upsertFailed(db, { ...eventValues(meta, payload, source), error })).length > 0;
}
