import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresCpuMs } from './pg-cpu.js';

/** A statement as the server sent it to Postgres (text with $n, and its values). */
export interface SentStatement {
  text: string;
  values: unknown[];
}

// A value that is a Stripe id on its own (not inside the JSON payload).
const STRIPE_ID = /^(evt|cus|prod|price|sub|in|pi|ch|cs|acct)_[A-Za-z0-9_]+$/;

/**
 * A pgbench script that sends exactly the statements the server sent for one delivery, values
 * written in as literals, except Stripe ids, which get a fresh suffix per transaction so that
 * every run inserts, as a new event would.
 */
export function scriptFor(statements: SentStatement[]): string {
  const literal = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    const s = String(v);
    if (STRIPE_ID.test(s)) return `'${s}_' || :n || '_' || :client_id`;
    // pgbench reads `:name` as a variable even inside a literal (`"quantity":1` in JSON), and a
    // command must stay on one line: colons and newlines go in as escapes of an E'' literal.
    if (!/[:\n\\]/.test(s)) return `'${s.replace(/'/g, "''")}'`;
    return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/:/g, '\\x3a').replace(/\n/g, '\\n')}'`;
  };
  const body = statements.map((st) => `${st.text.replace(/\s*\n\s*/g, ' ').replace(/\$(\d+)/g, (_, i: string) => literal(st.values[Number(i) - 1]))};`);
  return `\\set n random(1, 2000000000)\n${body.join('\n')}\n`;
}

/** What pgbench reached: transactions per second, and Postgres's CPU per transaction (or null). */
export interface PgbenchResult {
  tps: number;
  postgresMs: number | null;
}

/**
 * A mix, from pgbench on each type's script alone: the time per transaction, and Postgres's CPU
 * per transaction, are the means of the types', weighted as the mix is.
 */
export function pgbenchMix(database: string, parts: Array<{ script: string; weight: number }>, clients: number, seconds = 3): PgbenchResult | null {
  let time = 0;
  let cpu: number | null = 0;
  let weights = 0;
  for (const { script, weight } of parts) {
    const r = pgbench(database, script, clients, seconds);
    if (r === null) return null;
    time += weight / r.tps;
    cpu = cpu === null || r.postgresMs === null ? null : cpu + weight * r.postgresMs;
    weights += weight;
  }
  return { tps: weights / time, postgresMs: cpu === null ? null : cpu / weights };
}

/** What pgbench reaches with the script, or null if it cannot run. */
export function pgbench(database: string, script: string, clients: number, seconds = 5): PgbenchResult | null {
  return runPgbench(database, [{ script, weight: 1 }], clients, seconds);
}

/**
 * The mix's scripts in one run, drawn by weight, held to `rate` transactions per second (-R):
 * what Postgres spends per transaction when it is as busy as our server keeps it. Its CPU per
 * transaction falls as its load rises (fewer idle wake-ups and commit flushes per transaction),
 * so only a run at the same rate compares with ours.
 */
export function pgbenchAtRate(database: string, parts: Array<{ script: string; weight: number }>, clients: number, rate: number, seconds = 6): PgbenchResult | null {
  return runPgbench(database, parts, clients, seconds, ['-R', String(Math.round(rate))]);
}

function runPgbench(database: string, parts: Array<{ script: string; weight: number }>, clients: number, seconds: number, extra: string[] = []): PgbenchResult | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgbench-'));
  const files = parts.map(({ script, weight }, i) => {
    const file = path.join(dir, `events-${i}.sql`);
    writeFileSync(file, script);
    // pgbench's weights are integers.
    return ['-f', `${file}@${Math.max(1, Math.round(weight * 1000))}`];
  });
  try {
    const before = postgresCpuMs();
    // Prepared, as the server's statements are (lib/db/prepared.ts); BEGIN and COMMIT too.
    const out = execFileSync('pgbench', [
      '-n', '-h', '127.0.0.1', '-U', 'postgres', '-M', 'prepared', ...files.flat(),
      '-c', String(clients), '-j', '2', '-T', String(seconds), ...extra, database,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const after = postgresCpuMs();
    const tps = /tps = ([\d.]+)/.exec(out);
    const count = /number of transactions actually processed: (\d+)/.exec(out);
    if (!tps) return null;
    // A little high: the connections' start-up counts too.
    const postgresMs = before === null || after === null || !count ? null : (after - before) / Number(count[1]);
    return { tps: Number(tps[1]), postgresMs };
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? err);
    console.error(`  pgbench: ${stderr.split('\n').find((l) => /error|fatal|not found/i.test(l)) ?? stderr.slice(0, 200)}`);
    return null;
  }
}
