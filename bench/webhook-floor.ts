import { cpus, totalmem } from 'node:os';
import { createTestDatabase } from '../test/support/db.js';
import { eventMix } from './webhook-events.js';
import { load, median, sign } from './webhook-load.js';
import { SECRET, flag, measure, migrate, startServer, type Run } from './webhook.js';

// In step order; each adds one thing to the one above (bench/webhook-floor-server.ts).
const rungs = [
  { step: 'http', what: "Node's HTTP server reads the body and answers a fixed JSON body" },
  { step: 'verify', what: "+ Stripe's signature check (`constructEventAsync`, which parses the JSON)" },
  { step: 'web', what: '+ a `Request` for the handler and its `Response` read back, as a Web handler on Vercel or Netlify v2 costs' },
  { step: 'record', what: '+ the event row inserted into `webhook_events` (one prepared statement, autocommit: 1 round trip)' },
  { step: 'record-tx', what: '+ BEGIN and COMMIT around it (3 round trips, as the product)' },
] as const;

/**
 * `npm run bench -- webhook-floor [--events N] [--rounds R] [--concurrency C]`: what a webhook
 * server on this machine and stack cannot go below, measured like the product (same load, same
 * counters), step by step up to the product itself on the realistic mix.
 */
export async function runWebhookFloor(argv: string[]): Promise<void> {
  const n = Number(flag(argv, '--events') ?? 3000);
  const rounds = Number(flag(argv, '--rounds') ?? 3);
  const c = Number(flag(argv, '--concurrency') ?? 16);
  const databases = await Promise.all([createTestDatabase('pg'), createTestDatabase('pg')]);
  await migrate(databases[0]!.env.DATABASE_URL!); // the product's webhook_events, with its indexes
  const servers = [
    ...await Promise.all(rungs.map(async (r) => ({
      label: `\`${r.step}\`: ${r.what}`,
      ...await startServer({ ...databases[0]!.env, FLOOR: r.step }, '.', `floor-${r.step}`, 'bench/webhook-floor-server.ts'),
    }))),
    { label: 'the product (`bench/webhook-server.ts`: dispatch, effects, the realistic mix)', ...await startServer(databases[1]!.env) },
  ];
  try {
    for (const s of servers) await load(s.url, sign(eventMix(2000), SECRET), c); // warm-up
    const runs = servers.map(() => [] as Run[]);
    // Rounds take turns through the servers, so the machine's drift reaches each alike.
    for (let round = 0; round < rounds; round++) {
      for (const [i, s] of servers.entries()) runs[i]!.push(await measure(s.url, c, n));
    }
    console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString()}`);
    console.log(`${c} concurrent deliveries, ${rounds} rounds × ${n} events of the mix per server; medians over the rounds.\n`);
    console.log('| server | events/s | CPU stolen, % per round | server CPU ms/event (kernel) | Postgres CPU ms/event | load generator CPU ms/event | statements/event | non-200 |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [i, s] of servers.entries()) {
      const all = runs[i]!;
      const mid = (pick: (r: Run) => number) => median(all.map(pick));
      const pg = all.some((r) => r.postgresMs === null) ? 'n/a' : mid((r) => r.postgresMs!).toFixed(2);
      const steal = all.some((r) => r.stealPct === null) ? 'n/a' : all.map((r) => r.stealPct!.toFixed(0)).join(' / ');
      console.log(`| ${s.label} | ${mid((r) => r.rate).toFixed(0)} | ${steal} | ${mid((r) => r.serverMs).toFixed(3)} (${mid((r) => r.kernelMs).toFixed(3)}) | ${pg} | ${mid((r) => r.clientMs).toFixed(2)} | ${mid((r) => r.statements).toFixed(2)} | ${all.reduce((t, r) => t + r.errors, 0)} |`);
    }
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => new Promise((r) => s.child.exitCode !== null ? r(null) : s.child.once('exit', r))));
    await Promise.all(databases.map((d) => d.drop()));
  }
}
