import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Stripe from 'stripe';
import { bundleFunction, type Bundle } from '../build/bundle.js';
import { discoverFunctions, ROOT, type FunctionEntry } from '../build/functions.js';

// `npm run bench -- cold [--naive] [--runs N] [--only name,name] [--platform netlify|vercel]`
// Bundles each function as we would ship it, then for each: N fresh `node` processes, each
// importing the bundle and answering one request. Median of the time from just before
// import() to the response body read (Node's own start excluded), and of import() alone.

const BASELINE: FunctionEntry = { platform: 'vercel', name: '_baseline (empty handler)', file: path.join(ROOT, 'bench/baseline-function.ts') };

/** The function modules as Netlify's build leaves them, with their traced node_modules. */
async function netlifyArtefacts(): Promise<Map<string, Bundle>> {
  const { buildNetlify } = await import('../build/platforms.js');
  const { reports } = await buildNetlify(path.join(ROOT, '.bundles/bench-zisi'));
  const out = new Map<string, Bundle>();
  for (const r of reports) {
    const fn = discoverFunctions().find((f) => f.platform === 'netlify' && f.name === r.name);
    if (!fn || !r.main) continue;
    const own = statSync(r.main).size;
    out.set(r.name, { fn, entry: r.main, initialBytes: own, totalBytes: own, inputs: r.sources, initialPackages: [], metafile: { inputs: {}, outputs: {} } });
  }
  return out;
}

const WEBHOOK_SECRET = 'whsec_bench_cold_start_secret';
const HARNESS = path.join(ROOT, 'bench/cold-harness.mjs');

interface Spec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Row {
  platform: string;
  name: string;
  initialKb: number;
  totalKb: number;
  importMs: number;
  firstResponseMs: number;
  cpuMs: number;
  status: number;
  heavy: string;
}

export async function runCold(argv: string[]): Promise<void> {
  const naive = argv.includes('--naive');
  const runs = Number(flag(argv, '--runs') ?? 10);
  const only = flag(argv, '--only')?.split(',');
  const platform = flag(argv, '--platform');
  const zisi = argv.includes('--zisi');
  const fns = discoverFunctions().filter(
    (f) => (!only || only.includes(f.name)) && (!platform || f.platform === platform) && (!zisi || f.platform === 'netlify'),
  );
  if (!only) fns.unshift(BASELINE);
  const env = await benchEnvironment();
  const mode = zisi ? "Netlify's own build (zip-it-and-ship-it: our code in one .mjs, node_modules as files)" : naive ? 'naive bundles' : 'lean bundles';
  const zisiBuilds = zisi ? await netlifyArtefacts() : null;
  console.log(`cold start, ${mode}, median of ${runs} fresh processes; database: ${env.label}`);
  const rows: Row[] = [];
  const failures: string[] = [];
  const profile = flag(argv, '--profile');
  try {
    if (profile) {
      const fn = fns.find((f) => f.name === profile);
      if (!fn) throw new Error(`no function named ${profile}`);
      await profileOne(await bundleFunction(fn, { naive, outRoot: path.join(ROOT, '.bundles/profile-build') }), env.vars);
      return;
    }
    for (const fn of fns) {
      try {
        const bundle = zisiBuilds && fn !== BASELINE ? zisiBuilds.get(fn.name) : await bundleFunction(fn, { naive });
        if (!bundle) throw new Error('not built by zip-it-and-ship-it');
        rows.push(await measure(bundle, runs, env.vars));
      } catch (err) {
        failures.push(`${fn.platform}/${fn.name}: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
      }
    }
  } finally {
    await env.close();
  }
  printTable(rows);
  for (const f of failures) console.log(`not measured: ${f}`);
  if (failures.length) process.exitCode = 1;
}

async function measure(bundle: Bundle, runs: number, env: Record<string, string>): Promise<Row> {
  let spec = requestFor(bundle.fn);
  // A probe (not counted) tells which method the route answers: a 405 names it in Allow.
  const probe = await once(bundle, spec, env);
  if (probe.status === 405 && probe.allow) {
    const method = probe.allow.split(',')[0]!.trim();
    spec = { ...spec, method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' };
  }
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once(bundle, freshen(bundle.fn, spec), env));
  return {
    platform: bundle.fn.platform,
    name: bundle.fn.name,
    initialKb: bundle.initialBytes / 1024,
    totalKb: bundle.totalBytes / 1024,
    importMs: median(samples.map((s) => s.importMs)),
    firstResponseMs: median(samples.map((s) => s.totalMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    status: samples.at(-1)!.status,
    heavy: bundle.initialPackages
      .filter(([, bytes]) => bytes >= 20 * 1024)
      .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)}`)
      .join(', '),
  };
}

/** One extra cold run under `--cpu-prof`, summarised per package (see bench/profile.ts). */
async function profileOne(bundle: Bundle, env: Record<string, string>): Promise<void> {
  const { summariseProfile } = await import('./profile.js');
  const dir = path.join(ROOT, '.bundles/profiles', bundle.fn.platform, bundle.fn.name);
  rmSync(dir, { recursive: true, force: true });
  let spec = requestFor(bundle.fn);
  const probe = await once(bundle, spec, env);
  if (probe.status === 405 && probe.allow) spec = { ...spec, method: probe.allow.split(',')[0]!.trim(), body: '{}' };
  const sample = await once(bundle, freshen(bundle.fn, spec), env, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100']);
  console.log(`${bundle.fn.platform}/${bundle.fn.name}: import ${sample.importMs.toFixed(1)} ms, first response ${sample.totalMs.toFixed(1)} ms (profiled run, slower than unprofiled)`);
  summariseProfile(dir, sample.windowUs);
}

function requestFor(fn: FunctionEntry): Spec {
  const urlPath = '/api/' + fn.name.replace(/\[(\w+)\]/g, 'bench').replace(/\/index$/, '');
  if (isWebhook(fn)) return webhookRequest(urlPath);
  return { method: 'GET', path: urlPath };
}

function isWebhook(fn: FunctionEntry): boolean {
  return /(^|\/)webhook$/.test(fn.name);
}

/** The webhook gets a correctly signed event each run, of a type it stores and ignores. */
function freshen(fn: FunctionEntry, spec: Spec): Spec {
  return isWebhook(fn) ? webhookRequest(spec.path) : spec;
}

let counter = 0;
function webhookRequest(urlPath: string): Spec {
  const payload = JSON.stringify(
    {
      id: `evt_bench_${Date.now().toString(36)}_${counter++}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      type: 'bench.cold_start',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: { id: 'bench_1', object: 'bench' } },
    },
    null,
    2,
  );
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  return {
    method: 'POST',
    path: urlPath,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  };
}

interface Sample {
  importMs: number;
  totalMs: number;
  cpuMs: number;
  windowUs: [number, number];
  status: number;
  allow: string | null;
}

function once(bundle: Bundle, spec: Spec, env: Record<string, string>, nodeFlags: string[] = []): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, HARNESS, bundle.entry, bundle.fn.platform, JSON.stringify(spec)], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@cold '));
      if (!line) return reject(new Error(`${bundle.fn.platform}/${bundle.fn.name} exited ${code}: ${err.split('\n').filter((l) => /Error|error/.test(l)).slice(0, 6).join(' ').slice(0, 400)}`));
      resolve(JSON.parse(line.slice(7)) as Sample);
    });
  });
}

interface BenchEnv {
  label: string;
  vars: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Production-like settings: the Neon driver over a local relay to a migrated Postgres when one
 * is reachable on 127.0.0.1:5432 (what `/api/health` and the webhook touch on their first
 * request), Stripe in emulator mode (no route here calls Stripe on the benched request).
 */
async function benchEnvironment(): Promise<BenchEnv> {
  const base = {
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PUBLIC_BASE_URL: 'https://bench.local',
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    CRON_SECRET: 'bench-cron-secret-0123456789',
    STATE_SIGNING_SECRET: 'bench-state-secret-0123456789',
  };
  if (!(await reachable(5432))) {
    return { label: 'none reachable (routes answer 503 where they need one)', vars: base, close: async () => {} };
  }
  const { createTestDatabase } = await import('../test/support/db.js');
  const { setEnv } = await import('../test/support/env.js');
  const { getDb, closeDb } = await import('../lib/db/client.js');
  const { migrateDb } = await import('../lib/db/migrate.js');
  const db = await createTestDatabase('neon');
  await setEnv(db.env);
  await migrateDb(await getDb(), 'neon');
  await closeDb();
  return {
    label: 'local Postgres through the Neon driver (WebSocket relay)',
    vars: { ...base, ...db.env },
    close: () => db.drop(),
  };
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.once('timeout', () => { s.destroy(); resolve(false); });
  });
}

function printTable(rows: Row[]): void {
  const head = ['platform', 'function', 'initial KB', 'total KB', 'import ms', 'first response ms', 'CPU ms', 'status', 'loaded at start (KB, ≥20)'];
  const body = rows.map((r) => [
    r.platform, r.name, r.initialKb.toFixed(0), r.totalKb.toFixed(0), r.importMs.toFixed(1), r.firstResponseMs.toFixed(1), r.cpuMs.toFixed(1), String(r.status), r.heavy,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 || i === 8 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i < 2 || i === 8 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`);
  for (const b of body) console.log(line(b));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
