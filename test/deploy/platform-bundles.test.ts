import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../build/bundle.js';
import { discoverFunctions, isForbidden, rel, ROOT } from '../../build/functions.js';
import { buildNetlify, traceVercel, type PlatformReport } from '../../build/platforms.js';

// The proof that what we ship is what the platforms run: each function built with the
// platform's own tooling, nothing unresolved, and no local/, test/ or emulator code inside.
const functions = discoverFunctions();
const netlifyNames = functions.filter((f) => f.platform === 'netlify').map((f) => f.name);
const vercelNames = functions.filter((f) => f.platform === 'vercel').map((f) => f.name);

describe('Netlify: every function built by @netlify/zip-it-and-ship-it', () => {
  let reports: PlatformReport[];

  beforeAll(async () => {
    ({ reports } = await buildNetlify(path.join(ROOT, '.bundles/netlify-zisi')));
  }, 600_000);

  it('builds one v2 function per file, each with its path or schedule', () => {
    expect(reports.map((r) => r.name).sort()).toEqual([...netlifyNames].sort());
    for (const r of reports) expect(r.routes, r.name).not.toEqual([]);
  });

  it.each(netlifyNames)('%s contains no local/, test/ or emulator file', (name) => {
    const r = reports.find((x) => x.name === name)!;
    expect(r.forbidden).toEqual([]);
    // zisi bundles our own TypeScript into the function's .mjs; its inputs name the sources.
    expect(r.main, 'function module in the artefact').not.toBe('');
    expect(r.sources.some((f) => f.startsWith('lib/'))).toBe(true);
  });

  it('every built function loads in a fresh Node process (all static imports resolve)', () => {
    const failures: string[] = [];
    // The function module itself: Netlify's entry point wraps it in a Lambda bootstrap that
    // needs the `awslambda` global; the runtime test below goes through that bootstrap.
    for (const { name, main: entry } of reports) {
      const res = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(entry).href)}); process.exit(0)`], {
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (res.status !== 0) failures.push(`${name}: ${res.stderr.split('\n').find((l) => /Error/.test(l)) ?? res.stderr.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('Vercel: every function traced by @vercel/nft', () => {
  let reports: PlatformReport[];
  let unresolved: string[];

  beforeAll(async () => {
    ({ reports, unresolved } = await traceVercel());
  }, 600_000);

  it('resolves every import (optional native add-ons aside)', () => {
    expect(unresolved).toEqual([]);
    expect(reports.map((r) => r.name).sort()).toEqual([...vercelNames].sort());
  });

  it.each(vercelNames)('%s contains no local/, test/ or emulator file', (name) => {
    const r = reports.find((x) => x.name === name)!;
    expect(r.forbidden).toEqual([]);
    expect(r.sources.some((f) => f.startsWith('lib/'))).toBe(true);
  });
});

describe('prebuilt esbuild bundles (bench/cold.ts ships these)', () => {
  it.each(functions.map((f) => [`${f.platform}/${f.name}`, f] as const))('%s bundles without local/ or test code', async (_, fn) => {
    const bundle = await bundleFunction(fn, { outRoot: path.join(ROOT, '.bundles/check', 'lean') });
    expect(bundle.inputs.map((i) => rel(path.resolve(ROOT, i))).filter(isForbidden)).toEqual([]);
  });
});

describe('the check itself', () => {
  it('catches a function that imports the emulator, on both platforms', async () => {
    // A throwaway function at the same depth as netlify/functions/, so `../../local` resolves.
    const dir = path.join(ROOT, '.bundles/negative');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'leaky.ts');
    writeFileSync(
      file,
      "import { startStripeEmulator } from '../../local/stripe-emulator/index.js';\n" +
        'export default async () => { await startStripeEmulator(); return new Response(null); };\n' +
        "export const config = { path: '/api/leaky' };\n",
    );
    const { reports: vercel } = await traceVercel([{ platform: 'vercel', name: 'leaky', file }]);
    expect(vercel[0]!.forbidden).toContain('local/stripe-emulator/index.ts');
    const { reports: netlify } = await buildNetlify(path.join(dir, 'out'), dir);
    expect(netlify.find((r) => r.name === 'leaky')!.forbidden).toContain('local/stripe-emulator/index.ts');
  }, 300_000);

  it('flags the project folders that must never ship, not packages that happen to have them', () => {
    expect(isForbidden('local/stripe-emulator/index.ts')).toBe(true);
    expect(isForbidden('test/support/db.ts')).toBe(true);
    expect(isForbidden('lib/x/stripe-emulator.ts')).toBe(true);
    expect(isForbidden('node_modules/some-pkg/test/index.js')).toBe(false);
    expect(isForbidden('lib/db/client.ts')).toBe(false);
  });
});
