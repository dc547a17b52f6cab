import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getConfig, requireConfig } from '../../lib/config/index.js';
import { defineRoute, invoke } from '../../lib/http/route.js';
import { json } from '../../lib/http/respond.js';
import { setEnv } from '../support/env.js';

// A route that needs ADMIN_TOKEN, the way real routes ask for their variables.
const needsToken = defineRoute({
  path: '/api/needs-token',
  methods: { GET: async () => json({ length: requireConfig('ADMIN_TOKEN').length }) },
});
const call = () => invoke(needsToken, new Request('http://localhost/api/needs-token'));
const needsFee = defineRoute({
  path: '/api/needs-fee',
  methods: { GET: async () => json({ fee: getConfig().PLATFORM_FEE_BPS }) },
});

describe('configuration', () => {
  afterEach(() => setEnv({}));

  it('answers 503 naming a missing variable', async () => {
    await setEnv({});
    const res = await call();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: { code: 'not_configured', message: 'ADMIN_TOKEN is not set on the server.' },
    });
  });

  it('answers 503 naming a malformed variable to the route that reads it, without echoing its value; other routes work', async () => {
    await setEnv({ ADMIN_TOKEN: 'a'.repeat(20), PLATFORM_FEE_BPS: 'lots' });
    const res = await invoke(needsFee, new Request('http://localhost/api/needs-fee'));
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.error.code).toBe('invalid_configuration');
    expect(body.error.message).toMatch(/^PLATFORM_FEE_BPS /);
    expect(JSON.stringify(body)).not.toContain('lots');
    expect(await (await call()).json()).toEqual({ length: 20 });
  });

  it('ALLOWED_ORIGINS: an entry with a path is refused naming the variable; a trailing slash is an origin', async () => {
    const needsOrigins = defineRoute({ path: '/api/origins', methods: { GET: async () => json(getConfig().ALLOWED_ORIGINS) } });
    const origins = async () => invoke(needsOrigins, new Request('http://localhost/api/origins'));
    await setEnv({ ALLOWED_ORIGINS: 'https://shop.example.com/checkout' });
    const bad = await origins();
    expect(bad.status).toBe(503);
    expect((await bad.json()).error.message).toMatch(/^ALLOWED_ORIGINS /);
    await setEnv({ ALLOWED_ORIGINS: 'https://Shop.example.com/, http://localhost:8080, *' });
    expect(await (await origins()).json()).toEqual(['https://shop.example.com', 'http://localhost:8080', '*']);
  });

  it('secrets are trimmed (a newline from `echo | vercel env add`) and may not hold spaces', async () => {
    await setEnv({ ADMIN_TOKEN: `${'a'.repeat(20)}\n` });
    expect(await (await call()).json()).toEqual({ length: 20 });
    await setEnv({ ADMIN_TOKEN: 'two words of secret text' });
    expect((await call()).status).toBe(503);
  });

  it('uses the variable once it is set', async () => {
    await setEnv({ ADMIN_TOKEN: 'a'.repeat(20) });
    expect(await (await call()).json()).toEqual({ length: 20 });
  });

  it('imports every function with no environment at all', async () => {
    await setEnv({});
    const dirs = ['api', 'netlify/functions'];
    const files = dirs.flatMap((d) => walk(path.resolve(d))).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) await expect(import(file), file).resolves.toBeDefined();
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}
