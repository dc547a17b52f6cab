import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildEvent } from '../local/stripe-emulator/index.js';

// The statements one `customer.created` delivery sends, as our server sends them: BEGIN, the
// event claim folded into the guarded upsert (one statement, see lib/webhook/claim.ts), COMMIT.
function script(): string {
  const payload = JSON.stringify(buildEvent('customer.created'), null, 2).replace(/'/g, "''");
  return `\\set n random(1, 2000000000)
BEGIN;
with claim as (
  insert into webhook_events (id, type, account_id, api_version, stripe_created, payload, status, attempts, source, processed_at)
  values ('evt_pgb_' || :n || '_' || :client_id, 'customer.created', null, '2026-10-28.endive', 1790000000, '${payload}'::json, 'processed', 1, 'webhook', now())
  on conflict (id) do update set status = 'processed', attempts = webhook_events.attempts + 1 where webhook_events.status = 'failed' returning id)
insert into customers (stripe_id, store_id, email, name, deleted, last_event_at)
  values ('cus_pgb_' || :n || '_' || :client_id, null, 'shopper@example.com', 'Demo Shopper', false, (select 1790000000::bigint from claim))
  on conflict (stripe_id) do update set store_id = coalesce(excluded.store_id, customers.store_id), email = excluded.email, name = excluded.name,
    deleted = excluded.deleted, last_event_at = excluded.last_event_at, updated_at = now()
  where customers.last_event_at is null or excluded.last_event_at is null or customers.last_event_at < excluded.last_event_at
  returning id, (select count(*)::int from claim);
END;
`;
}

/** Transactions per second pgbench reaches with the same statements, or null if it cannot run. */
export function pgbenchTps(database: string, clients: number, seconds = 5): number | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgbench-'));
  const file = path.join(dir, 'event.sql');
  writeFileSync(file, script());
  try {
    const out = execFileSync('pgbench', [
      '-n', '-h', '127.0.0.1', '-U', 'postgres', '-M', 'extended', '-f', file,
      '-c', String(clients), '-j', '2', '-T', String(seconds), database,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const m = /tps = ([\d.]+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
