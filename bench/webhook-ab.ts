import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/support/db.js';
import { SECRET, flag, measure, startServer, type Run } from './webhook.js';
import { eventMix } from './webhook-events.js';
import { load, median, sign } from './webhook-load.js';

interface Side {
  label: string;
  url: string;
  runs: Run[];
}

/**
 * `npm run bench -- webhook-ab [--against REF] [--pairs 12] [--events 1500] [--concurrency 16]`:
 * the working tree (A) against a commit (B, default HEAD), both servers up at once on databases
 * of their own, short runs alternating A-B, B-A, … so that the hypervisor's steal reaches both
 * alike (bench/README.md, "Noise"). B is bundled from a git worktree and runs on this tree's
 * node_modules.
 */
export async function runWebhookAb(argv: string[]): Promise<void> {
  const ref = flag(argv, '--against') ?? 'HEAD';
  const pairs = Number(flag(argv, '--pairs') ?? 12);
  const n = Number(flag(argv, '--events') ?? 1500);
  const c = Number(flag(argv, '--concurrency') ?? 16);
  const tree = mkdtempSync(path.join(tmpdir(), 'bench-ab-'));
  execFileSync('git', ['worktree', 'add', '--detach', tree, ref], { stdio: 'ignore' });
  symlinkSync(path.resolve('node_modules'), path.join(tree, 'node_modules'));
  const databases = [await createTestDatabase('pg'), await createTestDatabase('pg')];
  const servers = [await startServer(databases[0]!.env, '.', 'ab-a'), await startServer(databases[1]!.env, tree, 'ab-b')];
  try {
    const sides: Side[] = [
      { label: 'A (working tree)', url: servers[0]!.url, runs: [] },
      { label: `B (${ref})`, url: servers[1]!.url, runs: [] },
    ];
    for (const side of sides) await load(side.url, sign(eventMix(2000), SECRET), 64); // warm-up
    for (let i = 0; i < pairs; i++) {
      for (const side of i % 2 ? [...sides].reverse() : sides) {
        side.runs.push(await measure(side.url, c, n));
      }
    }
    const [a, b] = sides as [Side, Side];
    console.log(`\n${pairs} pairs of ${n} events at concurrency ${c}; medians:\n`);
    console.log('| | server CPU ms/event | Postgres CPU ms/event | events/s | CPU stolen % |');
    console.log('|---|---|---|---|---|');
    for (const s of sides) {
      const pg = s.runs.every((r) => r.postgresMs !== null) ? median(s.runs.map((r) => r.postgresMs!)).toFixed(3) : 'n/a';
      const steal = s.runs.every((r) => r.stealPct !== null) ? median(s.runs.map((r) => r.stealPct!)).toFixed(1) : 'n/a';
      console.log(`| ${s.label} | ${median(s.runs.map((r) => r.serverMs)).toFixed(3)} | ${pg} | ${median(s.runs.map((r) => r.rate)).toFixed(0)} | ${steal} |`);
    }
    const diff = a.runs.map((r, i) => r.serverMs - b.runs[i]!.serverMs);
    const ratio = a.runs.map((r, i) => r.rate / b.runs[i]!.rate);
    console.log(`\nA − B, server CPU per event: median ${(median(diff) * 1000).toFixed(0)} µs; A lower in ${diff.filter((d) => d < 0).length} of ${pairs} pairs`);
    console.log(`A / B, events/s: median ${median(ratio).toFixed(3)}`);
  } finally {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.once('exit', r));
    }
    for (const d of databases) await d.drop();
    execFileSync('git', ['worktree', 'remove', '--force', tree], { stdio: 'ignore' });
    rmSync(tree, { recursive: true, force: true });
  }
}

