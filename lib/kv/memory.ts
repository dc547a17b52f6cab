import type { Kv } from './index.js';

// Per-process stand-in when Upstash is not configured: fine for one dev server or a single
// warm function; on a real deployment each instance would count separately.
export function memoryKv(): Kv {
  const store = new Map<string, { value: unknown; expiresAt: number | null }>();
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry?.expiresAt && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    kind: 'memory',
    redis: null,
    async get<T>(key: string) {
      return (live(key)?.value as T | undefined) ?? null;
    },
    async set(key, value, ttl) {
      store.set(key, { value: structuredClone(value), expiresAt: ttl ? Date.now() + ttl * 1000 : null });
    },
    async incr(key) {
      const entry = live(key);
      const next = Number(entry?.value ?? 0) + 1;
      store.set(key, { value: next, expiresAt: entry?.expiresAt ?? null });
      return next;
    },
    async expire(key, seconds) {
      const entry = live(key);
      if (entry) entry.expiresAt = Date.now() + seconds * 1000;
    },
    async del(key) {
      store.delete(key);
    },
    async ping() {},
  };
}
