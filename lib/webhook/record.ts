import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { p, prepared } from '../db/prepared.js';
import type { EventMeta } from './types.js';

export type EventSource = 'webhook' | 'replay' | 'reconcile';

// Claiming (the common path) is in claim.ts; these record the two outcomes without effects.

const insertIgnored = prepared<{ id: string }>('webhook_ignored', () => sql`
  insert into webhook_events (id, type, account_id, api_version, stripe_created, payload, status, attempts, source, processed_at)
  values (${p('id')}, ${p('type')}, ${p('account')}, ${p('api_version')}, ${p('created')}, ${p('payload')}::json, 'ignored', 1, ${p('source')}, now())
  on conflict (id) do nothing
  returning id`);

const upsertFailed = prepared('webhook_failed', () => sql`
  insert into webhook_events (id, type, account_id, api_version, stripe_created, payload, status, attempts, source, last_error)
  values (${p('id')}, ${p('type')}, ${p('account')}, ${p('api_version')}, ${p('created')}, ${p('payload')}::json, 'failed', 1, ${p('source')}, ${p('error')})
  on conflict (id) do update set status = 'failed', attempts = webhook_events.attempts + 1, last_error = excluded.last_error,
    source = excluded.source, updated_at = now()
  where webhook_events.status in ('failed', 'processing')`);

function values(meta: EventMeta, payload: string, source: EventSource) {
  return { id: meta.id, type: meta.type, account: meta.accountId, api_version: meta.apiVersion, created: meta.created, payload, source };
}

/** An event type we do not handle: stored, acknowledged. Returns false for a duplicate. */
export async function recordIgnored(db: Db, meta: EventMeta, payload: string, source: EventSource): Promise<boolean> {
  return (await insertIgnored(db, values(meta, payload, source))).length > 0;
}

/** After the rollback: the event is kept as `failed` with the error and one more attempt. */
export async function recordFailure(db: Db, meta: EventMeta, payload: string, source: EventSource, error: string): Promise<void> {
  await upsertFailed(db, { ...values(meta, payload, source), error });
}
