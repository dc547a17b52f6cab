import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageOf } from '../build/bundle.js';
import { ROOT } from '../build/functions.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time of the profiled process, by where it was spent: a package or project folder
 * (through the bundle's source maps), Node's internals, V8's compiler and GC, idle time
 * (waiting on the database).
 */
export function summariseProfile(dir: string, [from, to]: [number, number]): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${dir}`);
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const maps = new Map<string, SourceMap | null>();
  const totals = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // Only the window from just before import() to the first response: Node's own start-up
    // and the harness's exit are not the function's cold start.
    if (t < from || t > to) continue;
    const node = byId.get(profile.samples[i]!)!;
    const key = categorise(node, maps);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  console.log('| where | self ms | share |');
  console.log('|---|---:|---:|');
  for (const [k, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
    console.log(`| ${k} | ${ms.toFixed(1)} | ${((ms / all) * 100).toFixed(0)} % |`);
  }
}

function categorise(node: ProfileNode, maps: Map<string, SourceMap | null>): string {
  const { url, functionName, lineNumber, columnNumber } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8: garbage collection';
    if (functionName === '(program)') return 'V8/Node native (parse, compile, module linking)';
    if (functionName === '(idle)') return 'idle (waiting on I/O: database, relay)';
    return `native: ${functionName}`;
  }
  if (url.startsWith('node:')) {
    if (url === 'node:internal/modules/esm/utils') return 'V8: compiling the bundle (ESM compileSourceTextModule)';
    if (url === 'node:internal/bootstrap/realm') return 'Node: loading built-ins (http, https, crypto, net, tls…)';
    if (url.includes('undici')) return 'Node: undici (first use of Request/Response/fetch)';
    if (url.includes('/modules/')) return 'Node: module loader (resolve, read, link)';
    if (url.includes('crypto') || url.includes('webcrypto')) return 'Node: crypto';
    if (url.includes('/net') || url.includes('stream') || url.includes('/dns') || url.includes('tls')) return 'Node: net, streams';
    return 'Node: other internals';
  }
  if (!url.startsWith('file:')) return url;
  const file = fileURLToPath(url);
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))));
    } catch {
      maps.set(file, null);
    }
  }
  const map = maps.get(file);
  if (!map) return path.relative(ROOT, file);
  const entry = map.findEntry(lineNumber, columnNumber) as { originalSource?: string };
  if (!entry.originalSource) return 'bundle (unmapped)';
  const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
  const pkg = packageOf(path.relative(ROOT, source));
  // drizzle-orm ships source maps whose paths point at its own `src/`, outside node_modules.
  return pkg.startsWith('src') ? 'drizzle-orm' : pkg;
}
