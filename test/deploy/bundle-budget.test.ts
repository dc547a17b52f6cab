import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleFunction } from '../../build/bundle.js';
import { discoverFunctions, ROOT } from '../../build/functions.js';

// Cold-start budgets (bench/README.md): they hold the gains of issue 8 in place.
const outRoot = path.join(ROOT, '.bundles/budget');
const fn = (platform: 'netlify' | 'vercel', name: string) => discoverFunctions().find((f) => f.platform === platform && f.name === name);

describe('cold-start budgets', () => {
  it.skipIf(!fn('netlify', 'webhook'))('the webhook loads at most 400 KB before its first request', async () => {
    const b = await bundleFunction(fn('netlify', 'webhook')!, { outRoot });
    expect(b.initialBytes / 1024).toBeLessThanOrEqual(400);
  });

  // Functions that answer without calling Stripe must not load the SDK at start.
  const stripeFree = discoverFunctions().filter(
    (f) => f.platform === 'netlify' && (/^(health|stores|order-status)$/.test(f.name) || (/^admin-/.test(f.name) && !/replay/.test(f.name))),
  );
  it.each(stripeFree.map((f) => [f.name, f] as const))('%s does not load the Stripe SDK at start', async (_, f) => {
    const b = await bundleFunction(f, { outRoot });
    expect(b.initialPackages.map(([name]) => name)).not.toContain('stripe');
  });

  it("lib/ imports zod as a namespace: `import { z } from 'zod'` defeats tree-shaking (443 KB instead of 85 KB)", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const item of readdirSync(dir)) {
        const full = path.join(dir, item);
        if (statSync(full).isDirectory()) walk(full);
        else if (item.endsWith('.ts') && /import\s*\{\s*z\s*\}\s*from\s*'zod'/.test(readFileSync(full, 'utf8'))) {
          offenders.push(path.relative(ROOT, full));
        }
      }
    };
    walk(path.join(ROOT, 'lib'));
    expect(offenders, "use `import * as z from 'zod'` (same API)").toEqual([]);
  });
});
