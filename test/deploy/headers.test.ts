import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFunctions, ROOT } from '../../build/functions.js';
import { headerRules, inlineScriptHashes, renderNetlify, renderVercel } from '../../build/headers.js';

const vercelText = readFileSync(path.join(ROOT, 'vercel.json'), 'utf8');
const netlifyText = readFileSync(path.join(ROOT, 'netlify.toml'), 'utf8');
const vercel = JSON.parse(vercelText) as {
  functions: Record<string, { maxDuration: number; memory: number }>;
  crons: Array<{ path: string; schedule: string }>;
};

describe('platform configuration', () => {
  it('vercel.json and netlify.toml carry the current headers (run `npm run build:headers` after changing an inline script)', () => {
    expect(vercelText).toBe(renderVercel(vercel));
    expect(netlifyText).toBe(renderNetlify(netlifyText));
  });

  it('the CSP allows every inline script of public/ by hash and nothing inline otherwise', () => {
    const csp = headerRules()[0]!.headers['Content-Security-Policy']!;
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src'))!;
    for (const hash of inlineScriptHashes()) expect(scriptSrc).toContain(hash);
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('the button script is cacheable but revalidated', () => {
    const rule = headerRules().find((r) => r.vercel === '/stripe-checkout.js')!;
    expect(rule.headers['Cache-Control']).toMatch(/max-age=300, stale-while-revalidate/);
  });

  it('vercel.json: settings for every function file, the reconcile cron on an existing route', () => {
    const pattern = Object.keys(vercel.functions);
    expect(pattern).toEqual(['api/**/*.ts']);
    expect(vercel.functions['api/**/*.ts']).toMatchObject({ maxDuration: expect.any(Number), memory: expect.any(Number) });
    const crons = vercel.crons.map((c) => c.path);
    expect(crons).toContain('/api/cron/reconcile');
    const routes = discoverFunctions().filter((f) => f.platform === 'vercel').map((f) => `/api/${f.name}`);
    for (const c of crons) expect(routes).toContain(c);
  });

  it('netlify.toml: public/ published, functions from netlify/functions, migrations included', () => {
    expect(netlifyText).toMatch(/^\s*publish = "public"$/m);
    expect(netlifyText).toMatch(/^\s*directory = "netlify\/functions"$/m);
    expect(netlifyText).toMatch(/^\s*node_bundler = "esbuild"$/m);
    expect(netlifyText).toMatch(/^\s*included_files = \["drizzle\/\*\*"\]$/m);
  });
});
