import { isIPv6 } from 'node:net';
import { getConfig } from '../config/index.js';
import { ApiError } from '../http/errors.js';
import { log } from '../http/log.js';
import { getKv } from './index.js';

const WINDOW_SECONDS = 60;

interface Limiter {
  limit(key: string): Promise<{ success: boolean; reset: number }>;
}

const limiters = new Map<string, Promise<Limiter>>();

/**
 * Per-client-address limit for public POST routes (card-testing defence): RATE_LIMIT_PER_MINUTE
 * in a sliding window, on Upstash across instances, in memory otherwise. 429 with Retry-After.
 */
export async function limitByAddress(bucket: string, ip: string | null): Promise<void> {
  let limiter = limiters.get(bucket);
  if (!limiter) {
    limiter = createLimiter(bucket);
    limiters.set(bucket, limiter);
    limiter.catch(() => limiters.delete(bucket));
  }
  const result = await (await limiter).limit(clientKey(ip));
  if (result.success) return;
  const retryAfter = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
  throw new ApiError('rate_limited', 'Too many requests from this address; try again shortly.', {
    headers: { 'retry-after': String(retryAfter) },
  });
}

/**
 * Who is limited: an IPv4 address (IPv4-mapped IPv6 too), or the /64 of an IPv6 address, since
 * every IPv6 client holds a whole /64 and could otherwise rotate through it without limit.
 */
export function clientKey(ip: string | null): string {
  if (!ip) return 'unknown';
  const address = ip.replace(/%.*$/, ''); // a zone id (fe80::1%eth0)
  if (!isIPv6(address)) return address;
  const g = ipv6Groups(address);
  // ::ffff:a.b.c.d in any of its spellings (hex, uncompressed) is that IPv4 client.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted-quad tail as two). */
function ipv6Groups(address: string): number[] {
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const hex = quad
    ? `${address.slice(0, quad.index)}${((+quad[1]! << 8) | +quad[2]!).toString(16)}:${((+quad[3]! << 8) | +quad[4]!).toString(16)}`
    : address;
  const [head = '', tail] = hex.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((x) => parseInt(x, 16));
}

export function resetRateLimiters(): void {
  limiters.clear();
}

async function createLimiter(bucket: string): Promise<Limiter> {
  const perMinute = getConfig().RATE_LIMIT_PER_MINUTE;
  const kv = await getKv();
  if (!kv.redis) return memoryLimiter(perMinute);
  const { Ratelimit } = await import('@upstash/ratelimit');
  const limiter = new Ratelimit({
    redis: kv.redis,
    limiter: Ratelimit.slidingWindow(perMinute, `${WINDOW_SECONDS} s`),
    prefix: `rl:${bucket}`,
    timeout: 1000,
    analytics: false,
  });
  return {
    async limit(key) {
      // The library fails open after its timeout, but throws when Redis cannot be reached at
      // all; both are allowed (a Redis outage must not stop sales) and said in the logs.
      const r = await limiter.limit(key).catch(() => null);
      if (!r) log('warn', 'rate limiter unreachable; request allowed', { route: bucket });
      else if (r.reason === 'timeout') log('warn', 'rate limiter timed out; request allowed', { route: bucket });
      return r ?? { success: true, reset: Date.now() };
    },
  };
}

function memoryLimiter(perMinute: number): Limiter {
  const hits = new Map<string, number[]>();
  return {
    async limit(key) {
      const now = Date.now();
      const from = now - WINDOW_SECONDS * 1000;
      const recent = (hits.get(key) ?? []).filter((t) => t > from);
      const success = recent.length < perMinute;
      if (success) recent.push(now);
      hits.set(key, recent);
      return { success, reset: (recent[0] ?? now) + WINDOW_SECONDS * 1000 };
    },
  };
}
