import { build, type Metafile } from 'esbuild';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type FunctionEntry } from './functions.js';

export interface BundleOptions {
  /** `naive`: one file, not minified, every dynamic import inlined (what `esbuild --bundle` gives). */
  naive?: boolean;
  outRoot?: string;
}

export interface Bundle {
  fn: FunctionEntry;
  /** The file to import. */
  entry: string;
  /** Bytes of the entry and every chunk it imports statically: what a cold start loads. */
  initialBytes: number;
  /** Bytes of every file written, lazily imported chunks included. */
  totalBytes: number;
  /** Source files that went into the bundle, project-relative. */
  inputs: string[];
  /** Bytes per package (or project folder) in the cold-start load, largest first. */
  initialPackages: Array<[string, number]>;
  metafile: Metafile;
}

// CommonJS dependencies (pg, ws) call require() for Node built-ins; an ESM bundle has none.
const REQUIRE_SHIM =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/**
 * One function as we would ship it prebuilt: ESM, platform node, minified, tree-shaken, with
 * code splitting so that a dynamic `import()` stays a separate chunk loaded only on the path
 * that needs it.
 */
export async function bundleFunction(fn: FunctionEntry, opts: BundleOptions = {}): Promise<Bundle> {
  const outdir = path.join(opts.outRoot ?? path.join(ROOT, '.bundles', opts.naive ? 'naive' : 'lean'), fn.platform, fn.name);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: fn.file },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    splitting: !opts.naive,
    minify: !opts.naive,
    treeShaking: true,
    legalComments: 'none',
    // Separate .map files: never loaded at run time (no --enable-source-maps), read by the
    // profiler summary in bench/profile.ts to attribute time to packages.
    sourcemap: opts.naive ? false : 'external',
    banner: { js: REQUIRE_SHIM },
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  const outputs = result.metafile.outputs;
  // Dynamic-import targets are entry points too in the metafile: pick ours by its name.
  const entryKey = Object.keys(outputs).find((k) => k.endsWith('/index.mjs'));
  for (const k of Object.keys(outputs)) if (k.endsWith('.map')) delete outputs[k];
  if (!entryKey) throw new Error(`no entry output for ${fn.name}`);
  const initial = new Set<string>();
  const visit = (key: string) => {
    if (initial.has(key)) return;
    initial.add(key);
    for (const imp of outputs[key]!.imports) if (imp.kind === 'import-statement' && outputs[imp.path]) visit(imp.path);
  };
  visit(entryKey);
  const size = (k: string) => statSync(path.join(ROOT, k)).size;
  const perPackage = new Map<string, number>();
  for (const k of initial) {
    for (const [file, info] of Object.entries(outputs[k]!.inputs)) {
      const key = packageOf(file);
      perPackage.set(key, (perPackage.get(key) ?? 0) + info.bytesInOutput);
    }
  }
  return {
    fn,
    entry: path.join(ROOT, entryKey),
    initialBytes: [...initial].reduce((n, k) => n + size(k), 0),
    totalBytes: Object.keys(outputs).reduce((n, k) => n + size(k), 0),
    inputs: Object.keys(result.metafile.inputs),
    initialPackages: [...perPackage].sort((a, b) => b[1] - a[1]),
    metafile: result.metafile,
  };
}

/** `stripe`, `@neondatabase/serverless`, or `lib/db` for the project's own files. */
export function packageOf(file: string): string {
  const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return m ? m[1]! : file.split('/').slice(0, 2).join('/');
}
