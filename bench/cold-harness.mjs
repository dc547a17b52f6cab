// Child process of bench/cold.ts: loads one function bundle and sends it one request.
// Prints one JSON line. The clock starts just before import(), so Node's own start is excluded.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [entry, platform, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson);

const h0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(pathToFileURL(entry).href);
const t1 = performance.now();

const path = platform === 'netlify' && mod.config?.path ? mod.config.path.replace(/:(\w+)/g, 'bench') : spec.path;
const req = new Request(new URL(path, 'https://bench.local'), {
  method: spec.method,
  headers: spec.headers ?? {},
  body: spec.body ?? undefined,
});
let res;
if (platform === 'netlify') {
  // The fields of Netlify's Context that our adapter and routes read.
  const context = {
    ip: '127.0.0.1',
    params: {},
    requestId: 'bench',
    geo: {},
    site: {},
    deploy: {},
    account: {},
    server: { region: 'local' },
    cookies: { get: () => undefined, set() {}, delete() {} },
    waitUntil: () => {},
    json: (v) => Response.json(v),
    log: console.log,
    next: () => { throw new Error('no next'); },
    url: new URL(req.url),
  };
  res = await mod.default(req, context);
} else {
  res = await mod.default.fetch(req);
}
const text = await res.text();
const t2 = performance.now();
const cpu = process.cpuUsage(c0);
const h2 = process.hrtime.bigint();

process.stdout.write(
  `\n@@cold ${JSON.stringify({ importMs: t1 - t0, totalMs: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000, windowUs: [Number(h0 / 1000n), Number(h2 / 1000n)], status: res.status, allow: res.headers.get('allow'), body: text.slice(0, 200) })}\n`,
);
process.exit(0);
