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

  // Issue 8: every other function lighter than the webhook at cold start. Request schemas are on
  // zod/mini for this: classic zod (~90 KB) put checkout and onboarding ~50 KB above it.
  // Known exception: reconcile (and its scheduled twin) replays events through the webhook's
  // own handlers, so it loads the webhook minus signature checking plus its event walk and the
  // email sender: ~1 % more. It may not grow further than that.
  const supersetsOfWebhook = /^reconcile(-scheduled)?$/;
  const others = discoverFunctions().filter((f) => f.platform === 'netlify' && f.name !== 'webhook');
  let webhookBytes = 0;
  it.skipIf(!fn('netlify', 'webhook')).each(others.map((f) => [f.name, f] as const))(
    '%s loads fewer bytes at start than the webhook',
    async (_, f) => {
      webhookBytes ||= (await bundleFunction(fn('netlify', 'webhook')!, { outRoot })).initialBytes;
      const b = await bundleFunction(f, { outRoot });
      const limit = supersetsOfWebhook.test(f.name) ? webhookBytes * 1.02 : webhookBytes;
      expect(b.initialBytes, `${f.name} ${Math.round(b.initialBytes / 1024)} KB vs webhook ${Math.round(webhookBytes / 1024)} KB`).toBeLessThan(limit);
    },
  );

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
