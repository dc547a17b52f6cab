import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { createTestDatabase } from '../test/support/db.js';
import { eventMix, mixWeights, oneOfEach } from './webhook-events.js';
import { load, median, percentile, post, sign } from './webhook-load.js';
import { postgresCpuMs, stealMs, stolenPct } from './pg-cpu.js';
import { pgbench, pgbenchAtRate, pgbenchMix, scriptFor, type PgbenchResult, type SentStatement } from './webhook-pgbench.js';

export const SECRET = 'whsec_bench_platform';

interface Stats { statements: number; cpuMs: number; sysMs: number; maxRssMb: number }
/** One timed load on the server, per event. */
export interface Run {
  rate: number;
  serverMs: number;
  kernelMs: number;
  postgresMs: number | null;
  clientMs: number;
  stealPct: number | null;
  latenciesMs: number[];
  statements: number;
  errors: number;
}

/** `npm run bench -- webhook [--events N] [--rounds R] [--levels 1,16,64] [--no-pgbench]` */
export async function runWebhook(argv: string[]): Promise<void> {
  const n = Number(flag(argv, '--events') ?? 3000);
  const levels = [...new Set((flag(argv, '--levels') ?? '1,16,64').split(',').map(Number))];
  const rounds = Number(flag(argv, '--rounds') ?? 3);
  const withPgbench = !argv.includes('--no-pgbench');
  const database = await createTestDatabase('pg');
  // pgbench writes into a database of its own, so that its rows neither slow the next level
  // down nor share its tables' growth.
  const pgbenchDatabase = await createTestDatabase('pg');
  await migrate(pgbenchDatabase.env.DATABASE_URL!);
  const server = await startServer(database.env);
  try {
    const stats = statsOf(server.url);
    console.log(`\nDatabase round trips per event (one delivery at a time, counted at the pg client):`);
    // pgbench replays what the server sent: for one customer.created (the simplest event), and
    // for one event of each type of the mix, weighted as the mix is.
    const scripts = new Map<string, string>();
    for (const { label, event, mix } of oneOfEach()) {
      const before = await stats();
      const res = await post(server.url, sign([event], SECRET)[0]!);
      const sent = (await stats()).statements - before.statements;
      console.log(`  ${String(sent).padStart(2)}  ${label}  → ${res.status} ${res.body}`);
      if (mix) scripts.set(mix, scriptFor((await (await fetch(`${server.url}/__bench/recent`)).json() as SentStatement[]).slice(-sent)));
    }
    const mixScripts = Object.entries(mixWeights).map(([type, weight]) => ({ script: scripts.get(type)!, weight }));
    // Warm-up, at the highest level so that every pooled connection has prepared its statements:
    // a deployed function instance serves thousands of events; the table is its steady state.
    await load(server.url, sign(eventMix(2000), SECRET), Math.max(...levels));
    // Rounds go through every level in turn, so that the machine's drift (it is shared and
    // noisy) reaches each level alike; the table shows each level's median round.
    const runs = new Map<number, Run[]>(levels.map((c) => [c, []]));
    for (let round = 0; round < rounds; round++) {
      for (const c of levels) {
        runs.get(c)!.push(await measure(server.url, c, n));
      }
    }
    // Read before pgbench, which can outlast the server's keep-alive timeout.
    const peak = (await stats()).maxRssMb;
    // pgbench after every level: its writes (and the checkpoints they bring) stay out of ours.
    const rows = levels.map((c) => {
      const all = runs.get(c)!;
      const byRate = [...all].sort((a, b) => a.rate - b.rate);
      const m = byRate[Math.floor((byRate.length - 1) / 2)]!; // the median round, as median() picks
      const range = all.length > 1 ? ` (${byRate[0]!.rate.toFixed(0)}–${byRate.at(-1)!.rate.toFixed(0)})` : '';
      const mid = (pick: (r: Run) => number) => median(all.map(pick));
      const pg = all.some((r) => r.postgresMs === null) ? 'n/a' : mid((r) => r.postgresMs!).toFixed(2);
      const steal = all.some((r) => r.stealPct === null) ? 'n/a' : all.map((r) => r.stealPct!.toFixed(0)).join(' / ');
      const vs = (run: () => PgbenchResult | null) => {
        if (!withPgbench) return 'n/a';
        const [stolenBefore, started] = [stealMs(), performance.now()];
        const r = run();
        const stolen = stealMs();
        if (r === null) return 'n/a';
        const pg = r.postgresMs === null ? '' : `; Postgres ${r.postgresMs.toFixed(2)} ms/tx`;
        const pct = stolenPct(stolenBefore, stolen, performance.now() - started);
        const steal = pct === null ? '' : `; ${pct.toFixed(0)} % stolen`;
        return `${r.tps.toFixed(0)} (${((m.rate / r.tps) * 100).toFixed(0)} %${pg}${steal})`;
      };
      const atOurRate = () => {
        if (!withPgbench) return 'n/a';
        const r = pgbenchAtRate(pgbenchDatabase.name, mixScripts, c, m.rate);
        return r?.postgresMs == null ? 'n/a' : `${r.postgresMs.toFixed(2)} (${r.tps.toFixed(0)} tx/s)`;
      };
      return `| ${c} | ${rounds} × ${n} | ${m.rate.toFixed(0)}${range} | ${steal} | ${mid((r) => r.serverMs).toFixed(3)} (${mid((r) => r.kernelMs).toFixed(2)}) | ${pg} | ${mid((r) => r.clientMs).toFixed(2)} | ${fmt(percentile(m.latenciesMs, 50))} | ${fmt(percentile(m.latenciesMs, 95))} | ${fmt(percentile(m.latenciesMs, 99))} | ${mid((r) => r.statements).toFixed(2)} | ${all.reduce((t, r) => t + r.errors, 0)} | ${vs(() => pgbench(pgbenchDatabase.name, scripts.get('customer.created')!, c))} | ${vs(() => pgbenchMix(pgbenchDatabase.name, mixScripts, c))} | ${atOurRate()} |`;
    });
    console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString()}`);
    console.log('Server: local/app-server.ts bundled by esbuild, in a child process, pg driver (pool of 10) to local Postgres; client: undici request API, one keep-alive connection per concurrent delivery.\n');
    console.log('CPU columns are medians over the rounds, latencies those of the median round; pgbench runs once per level, after all rounds.\n');
    console.log('| concurrency | rounds × events | events/s, median round (all rounds) | CPU stolen by the hypervisor, % per round | server CPU ms/event (kernel) | Postgres CPU ms/event | load generator CPU ms/event | p50 ms | p95 ms | p99 ms | statements/event | non-200 | pgbench tps, one customer.created\'s SQL (ours as % of it; Postgres CPU per transaction; CPU stolen meanwhile) | pgbench tps, the mix\'s SQL, by type (ours as %; Postgres CPU; stolen) | pgbench, the mix held to our events/s: Postgres CPU ms/tx |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log(`\nServer peak RSS: ${peak.toFixed(0)} MB`);
    if (process.env.BENCH_SHOW_PGBENCH) for (const [type, script] of scripts) console.log(`\npgbench, ${type}:\n${script}`);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await database.drop();
    await pgbenchDatabase.drop();
  }
}

/** The bench server's counters; tried twice, as a keep-alive socket may close under the first try. */
export function statsOf(url: string): () => Promise<Stats> {
  const read = async (): Promise<Stats> => (await fetch(`${url}/__bench/stats`)).json() as Promise<Stats>;
  return () => read().catch(read);
}

/** `n` fresh signed events of the mix at concurrency `c`, and what they cost the server, Postgres and this process. */
export async function measure(url: string, c: number, n: number): Promise<Run> {
  const stats = statsOf(url);
  const events = sign(eventMix(n), SECRET);
  const before = await stats();
  const pgBefore = postgresCpuMs();
  const client = process.cpuUsage();
  const stolenBefore = stealMs();
  const r = await load(url, events, c);
  const stolen = stealMs();
  const clientCpu = process.cpuUsage(client);
  const pgAfter = postgresCpuMs();
  const after = await stats();
  return {
    rate: n / r.seconds,
    serverMs: (after.cpuMs - before.cpuMs) / n,
    kernelMs: (after.sysMs - before.sysMs) / n,
    postgresMs: pgBefore === null || pgAfter === null ? null : (pgAfter - pgBefore) / n,
    clientMs: (clientCpu.user + clientCpu.system) / 1000 / n,
    stealPct: stolenPct(stolenBefore, stolen, r.seconds * 1000),
    latenciesMs: r.latenciesMs.sort((a, b) => a - b),
    statements: (after.statements - before.statements) / n,
    errors: r.errors,
  };
}

export async function migrate(url: string): Promise<void> {
  const [{ default: pg }, { drizzle }, { migrateDb }] = await Promise.all([
    import('pg'), import('drizzle-orm/node-postgres'), import('../lib/db/migrate.js'),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrateDb(drizzle(pool) as never, 'pg');
  } finally {
    await pool.end();
  }
}

// Bundled as a deployment would ship it: no TypeScript loader in the measured process.
// `root` is the source tree to bundle (webhook-ab bundles another commit's too); `entry` the
// server (webhook-floor bundles its minimal servers too).
async function bundleServer(root: string, name: string, entry: string): Promise<string> {
  // Under node_modules so that the (external) packages resolve from the project.
  const outfile = path.resolve(`node_modules/.cache/bench-webhook/${name}.mjs`);
  await build({
    absWorkingDir: path.resolve(root), entryPoints: [entry], bundle: true, platform: 'node', format: 'esm',
    target: 'node20', outfile, packages: 'external', logLevel: 'warning',
  });
  return outfile;
}

export async function startServer(
  env: Record<string, string>, root = '.', name = 'server', entry = 'bench/webhook-server.ts',
): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the server alone.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, await bundleServer(root, name, entry)], {
    // The bundle finds `drizzle/` under its working directory: another commit's server
    // (webhook-ab) migrates with that commit's own migrations.
    cwd: path.resolve(root),
    env: {
      ...process.env,
      ...env,
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_API_BASE: 'http://127.0.0.1:9', // nothing on the measured path calls Stripe
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  child.on('exit', (code, signal) => { if (code || (signal && signal !== 'SIGTERM')) console.error(`server exited: ${code ?? signal}`); });
  return { url, child };
}

export function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}
