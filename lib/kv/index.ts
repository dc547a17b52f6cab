import type { Redis } from '@upstash/redis';
import { getConfig } from '../config/index.js';
import { memoryKv } from './memory.js';

/** The little of Redis this project needs: caches and counters, never exactly-once. */
export interface Kv {
  readonly kind: 'upstash' | 'memory';
  get<T>(key: string): Promise<T | null>;
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  incr(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<void>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  /** The Upstash client, for @upstash/ratelimit; null in memory mode. */
  readonly redis: Redis | null;
}

let kv: Promise<Kv> | undefined;
const REQUEST_TIMEOUT_MS = 800;

export function getKv(): Promise<Kv> {
  kv ??= open();
  return kv;
}

export function resetKv(): void {
  kv = undefined;
}

async function open(): Promise<Kv> {
  const c = getConfig();
  const url = c.UPSTASH_REDIS_REST_URL ?? c.KV_REST_API_URL;
  const token = c.UPSTASH_REDIS_REST_TOKEN ?? c.KV_REST_API_TOKEN;
  if (!url || !token) return memoryKv();
  const { Redis } = await import('@upstash/redis');
  // One retry, and a deadline on each request: a cache or limiter that waits long costs more
  // than it saves (a Redis that accepts connections and never answers would hold checkout).
  const redis = new Redis({
    url, token, retry: { retries: 1, backoff: () => 50 }, signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return {
    kind: 'upstash',
    redis,
    get: (key) => redis.get(key),
    async set(key, value, ttl) {
      if (ttl) await redis.set(key, value, { ex: ttl });
      else await redis.set(key, value);
    },
    incr: (key) => redis.incr(key),
    async expire(key, seconds) {
      await redis.expire(key, seconds);
    },
    async del(key) {
      await redis.del(key);
    },
    async ping() {
      await redis.ping();
    },
  };
}
