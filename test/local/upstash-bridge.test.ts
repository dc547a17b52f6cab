import { randomUUID } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashBridge, type UpstashBridge } from '../../local/upstash-bridge.js';
import { rewriteShebang, sha1 } from '../../local/upstash-scripts.js';

const P = `test:upstash-bridge:${randomUUID()}:`;
let bridge: UpstashBridge;
let admin: Redis;

beforeAll(async () => {
  bridge = await startUpstashBridge();
  admin = new Redis({ url: bridge.url, token: bridge.token, enableAutoPipelining: false });
});

afterAll(async () => {
  const keys = admin ? await admin.keys(`${P}*`) : [];
  if (keys.length) await admin.del(...keys);
  await bridge?.close();
});

const variants = [
  ['default (base64 + auto-pipelining)', {}],
  ['responseEncoding: false', { responseEncoding: false as const }],
  ['no auto-pipelining', { enableAutoPipelining: false }],
] as const;

describe.each(variants)('@upstash/redis via bridge, %s', (name, extra) => {
  const k = (s: string) => `${P}${name}:${s}`;
  const redis = () => new Redis({ url: bridge.url, token: bridge.token, ...extra });

  it('set/get strings and JSON, incr, expire/ttl, del', async () => {
    const r = redis();
    expect(await r.set(k('s'), 'héllo wörld ✓')).toBe('OK');
    expect(await r.get(k('s'))).toBe('héllo wörld ✓');
    await r.set(k('o'), { a: 1, b: ['x', null] });
    expect(await r.get(k('o'))).toEqual({ a: 1, b: ['x', null] });
    expect(await r.set(k('ok'), 'OK')).toBe('OK');
    expect(await r.get(k('ok'))).toBe('OK');
    expect(await r.get(k('missing'))).toBeNull();
    expect(await r.incr(k('n'))).toBe(1);
    expect(await r.incrby(k('n'), 41)).toBe(42);
    expect(await r.expire(k('n'), 100)).toBe(1);
    const ttl = await r.ttl(k('n'));
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await r.del(k('s'), k('o'))).toBe(2);
    expect(await r.exists(k('s'))).toBe(0);
    expect(await r.ping()).toBe('PONG');
  });

  it('hashes, lists and nil inside arrays', async () => {
    const r = redis();
    await r.hset(k('h'), { f1: 'v1', f2: 2 });
    expect(await r.hgetall(k('h'))).toEqual({ f1: 'v1', f2: 2 });
    await r.rpush(k('l'), 'a', 'b', 'OK');
    expect(await r.lrange(k('l'), 0, -1)).toEqual(['a', 'b', 'OK']);
    expect(await r.mget(k('l-none'), k('ok'))).toEqual([null, 'OK']);
  });

  it('pipeline', async () => {
    const p = redis().pipeline();
    p.set(k('p1'), 'one').incr(k('p2')).incr(k('p2')).get(k('p1')).ttl(k('p1'));
    expect(await p.exec()).toEqual(['OK', 1, 2, 'one', -1]);
  });

  it('multi/exec transaction', async () => {
    const m = redis().multi();
    m.set(k('m1'), 'x').incr(k('m2')).get(k('m1')).lpush(k('m3'), 'q');
    expect(await m.exec()).toEqual(['OK', 1, 'x', 1]);
  });

  it('surfaces Redis errors', async () => {
    const r = redis();
    await r.set(k('str'), 'not a number');
    await expect(r.incr(k('str'))).rejects.toThrow(/ERR value is not an integer/);
  });

  it('rejects a bad token', async () => {
    const bad = new Redis({ url: bridge.url, token: 'wrong', ...extra });
    await expect(bad.get(k('s'))).rejects.toThrow(/Unauthorized/);
  });
});

describe('@upstash/ratelimit via bridge', () => {
  const limiters = [
    ['slidingWindow', Ratelimit.slidingWindow(3, '60 s')],
    ['fixedWindow', Ratelimit.fixedWindow(3, '60 s')],
    ['tokenBucket', Ratelimit.tokenBucket(1, '60 s', 3)],
  ] as const;

  it.each(limiters)('%s: 3 successes, then blocked; other identifiers unaffected', async (name, limiter) => {
    const redis = new Redis({ url: bridge.url, token: bridge.token });
    const rl = new Ratelimit({ redis, limiter, prefix: `${P}rl:${name}`, ephemeralCache: false, analytics: false });
    for (let i = 0; i < 3; i++) {
      const res = await rl.limit('ip-1');
      expect(res).toMatchObject({ success: true, remaining: 2 - i });
      expect(res.reason).toBeUndefined(); // not a fail-open timeout
    }
    const blocked = await rl.limit('ip-1');
    expect(blocked.success).toBe(false);
    expect(blocked.reason).toBeUndefined();
    expect(blocked.reset).toBeGreaterThan(Date.now());
    expect((await rl.limit('ip-2')).success).toBe(true);
    expect(await rl.getRemaining('ip-1')).toMatchObject({ remaining: 0 });
  });
});

describe('bridge wire protocol', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.token}`, ...headers },
      body: JSON.stringify(body),
    });

  it('single commands: result, stringified JSON args, 400 on error, 401 without token', async () => {
    const key = `${P}wire`;
    expect(await (await post('/', ['SET', key, 12, 'EX', 100])).json()).toEqual({ result: 'OK' });
    expect(await (await post('/', ['GET', key])).json()).toEqual({ result: '12' });
    const bad = await post('/', ['NOSUCHCOMMAND']);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^ERR unknown command/);
    const unauth = await fetch(bridge.url, { method: 'POST', body: '["PING"]' });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual({ error: 'Unauthorized' });
  });

  it('path form', async () => {
    const key = encodeURIComponent(`${P}path`);
    const auth = { authorization: `Bearer ${bridge.token}` };
    expect(await (await fetch(`${bridge.url}/set/${key}/v1`, { method: 'POST', headers: auth })).json()).toEqual({ result: 'OK' });
    expect(await (await fetch(`${bridge.url}/get/${key}`, { headers: auth })).json()).toEqual({ result: 'v1' });
  });

  it('base64 encoding spares only a top-level OK', async () => {
    const key = `${P}b64`;
    const h = { 'Upstash-Encoding': 'base64' };
    const b = (s: string) => Buffer.from(s).toString('base64');
    expect(await (await post('/', ['SET', key, 'v'], h)).json()).toEqual({ result: 'OK' });
    expect(await (await post('/', ['PING'], h)).json()).toEqual({ result: b('PONG') });
    const multi = await (await post('/multi-exec', [['SET', key, 'w'], ['GET', key], ['INCR', key]], h)).json();
    expect(multi).toEqual([{ result: 'OK' }, { result: b('w') }, { error: expect.stringMatching(/^ERR/) }]);
    const pipe = await (await post('/pipeline', [['MGET', key, `${P}none`], ['NOPE']], h)).json();
    expect(pipe).toEqual([{ result: [b('w'), null] }, { error: expect.stringMatching(/^ERR unknown command/) }]);
  });

  it('flagged Lua scripts: SCRIPT LOAD returns the original sha and EVALSHA runs it', async () => {
    const script = `#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])`;
    expect(rewriteShebang(script)).toBe(`#!lua\nreturn redis.call('INCR', KEYS[1])`);
    expect(rewriteShebang('#!lua flags=no-writes,allow-key-locking\nreturn 1')).toBe('#!lua flags=no-writes\nreturn 1');
    const r = new Redis({ url: bridge.url, token: bridge.token });
    expect(await r.scriptLoad(script)).toBe(sha1(script));
    expect(await r.evalsha(sha1(script), [`${P}lua`], [])).toBe(1);
    expect(await r.eval(script, [`${P}lua`], [])).toBe(2);
    expect(await r.scriptExists(sha1(script))).toEqual([1]);
    const m = r.multi();
    m.evalsha(sha1(script), [`${P}lua`], []);
    expect(await m.exec()).toEqual([3]);
  });
});
