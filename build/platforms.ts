import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { nodeFileTrace } from '@vercel/nft';
import { zipFunctions, type FunctionResult } from '@netlify/zip-it-and-ship-it';
import { transformSync } from 'esbuild';
import { discoverFunctions, isForbidden, rel, ROOT, type FunctionEntry } from './functions.js';

/**
 * Optional dependencies that packages guard with try/catch and that no platform installs:
 * ws's native accelerators, pg's native binding, pg's Cloudflare socket shim.
 */
export const OPTIONAL_UNRESOLVED = ['utf-8-validate', 'bufferutil', 'pg-native', 'cloudflare:sockets'];

export interface PlatformReport {
  platform: 'netlify' | 'vercel';
  name: string;
  /** The function's own module in the artefact (Netlify: our code bundled into one .mjs). */
  main: string;
  /** Project source files that went into it. */
  sources: string[];
  /** Project files in the artefact (node_modules summarised as packages). */
  files: string[];
  packages: string[];
  forbidden: string[];
  unresolved: string[];
  routes: string[];
}

/**
 * Netlify's own bundler, as its build runs it: every function in `netlify/functions`, v2 ESM,
 * sources transpiled one by one and dependencies traced (`node_bundler` does not apply to v2),
 * `drizzle/**` added as in netlify.toml. `archiveFormat: 'none'` leaves a folder per function.
 */
export async function buildNetlify(dest: string, srcDir = path.join(ROOT, 'netlify/functions')): Promise<{ reports: PlatformReport[]; results: FunctionResult[] }> {
  rmSync(dest, { recursive: true, force: true });
  const results = await zipFunctions(srcDir, dest, {
    archiveFormat: 'none',
    basePath: ROOT,
    repositoryRoot: ROOT,
    config: { '*': { nodeBundler: 'esbuild', includedFiles: ['drizzle/**'], includedFilesBasePath: ROOT } },
    systemLog: () => {},
  });
  const reports = results.map((r) => {
    const files = listFiles(r.path).map((f) => path.relative(r.path, f).split(path.sep).join('/'));
    const own = files.filter((f) => !f.includes('node_modules/'));
    const inputs = (r.inputs ?? []).map((i) => rel(i));
    const main = own.find((f) => /^netlify\/functions\/[^/]+\.m?js$/.test(f) || /^netlify\/functions\/[^/]+\/(index|[^/]+)\.m?js$/.test(f));
    return {
      platform: 'netlify' as const,
      name: r.name,
      main: main ? path.join(r.path, main) : '',
      sources: inputs.filter((f) => !f.includes('node_modules/')),
      files: own,
      packages: packagesIn(files),
      forbidden: [...new Set([...own, ...inputs].filter(isForbidden))],
      unresolved: [],
      routes: (r.routes ?? []).map((x) => x.pattern).concat(r.schedule ? [`schedule ${r.schedule}`] : []),
    };
  });
  return { reports, results };
}

/**
 * Vercel's file tracing, as `@vercel/node` does it for `api/**\/*.ts`: the TypeScript is
 * compiled on read and every import, static or dynamic with a literal specifier, is traced.
 * One job over all entries; each function's file list is what its entry reaches.
 */
export async function traceVercel(
  entries: FunctionEntry[] = discoverFunctions().filter((f) => f.platform === 'vercel'),
): Promise<{ reports: PlatformReport[]; unresolved: string[] }> {
  const job = await nodeFileTrace(
    entries.map((e) => e.file),
    {
      base: ROOT,
      processCwd: ROOT,
      ts: true,
      mixedModules: true,
      async readFile(p) {
        try {
          const src = readFileSync(p, 'utf8');
          return /\.[mc]?ts$/.test(p) ? transformSync(src, { loader: 'ts', format: 'esm' }).code : src;
        } catch {
          return null;
        }
      },
    },
  );
  const unresolved = [...job.warnings]
    .map((w) => w.message)
    .filter((m) => m.startsWith('Failed to resolve dependency'))
    .filter((m) => !OPTIONAL_UNRESOLVED.some((name) => m.includes(`"${name}"`)));
  // Children per file, to compute each entry's own closure from the shared job.
  const children = new Map<string, Set<string>>();
  for (const [file, reason] of job.reasons) {
    for (const parent of reason.parents) {
      if (!children.has(parent)) children.set(parent, new Set());
      children.get(parent)!.add(file);
    }
  }
  const reports = entries.map((e) => {
    const start = rel(e.file);
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length) for (const c of children.get(queue.shift()!) ?? []) if (!seen.has(c)) (seen.add(c), queue.push(c));
    const files = [...seen];
    return {
      platform: 'vercel' as const,
      name: e.name,
      main: e.file,
      sources: files.filter((f) => !f.includes('node_modules/') && /\.[mc]?[jt]s$/.test(f)),
      files: files.filter((f) => !f.includes('node_modules/')),
      packages: packagesIn(files),
      forbidden: files.filter(isForbidden),
      unresolved: unresolved.filter((m) => files.some((f) => m.includes(path.join(ROOT, f)))),
      routes: ['/api/' + e.name.replace(/\/index$/, '')],
    };
  });
  // Every unresolved import fails the check, whether or not it can be pinned to one function.
  return { reports, unresolved };
}

function packagesIn(files: string[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const m = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const item of readdirSync(dir)) {
    const full = path.join(dir, item);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}
