// The app server for bench/webhook.ts, in its own process so that its CPU time and memory are
// measured apart from the load generator. Counts every statement sent to Postgres.
import pg from 'pg';
import { getDb } from '../lib/db/client.js';
import { migrateDb } from '../lib/db/migrate.js';
import { setLogSink } from '../lib/http/log.js';
import { startAppServer } from '../local/app-server.js';

let statements = 0;
// The last statements sent, for bench/webhook-pgbench.ts to replay.
const recent: Array<{ text: string; values: unknown[] }> = [];
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
  recent.push(typeof config === 'string' ? { text: config, values: values ?? [] } : { text: config.text, values: values ?? config.values ?? [] });
  if (recent.length > 10) recent.shift();
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

// Production writes one JSON line per request; keep the formatting cost, drop the bytes.
setLogSink(() => {});
await migrateDb(await getDb(), 'pg');
statements = 0;

const server = await startAppServer({
  port: 0,
  async extra(req) {
    const { pathname } = new URL(req.url);
    if (pathname === '/__bench/recent') return Response.json(recent);
    if (pathname !== '/__bench/stats') return null;
    const cpu = process.cpuUsage();
    return Response.json({ statements, cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 });
  },
});
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', () => process.exit(0));
