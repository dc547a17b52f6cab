// zod/mini: the same checks and messages as classic zod, functional style, and a fraction of
// its size. Config loads in every function, so this keeps zod out of routes that parse no body
// (the webhook, health): see bench/README.md.
import * as z from 'zod/mini';
import { ApiError } from '../http/errors.js';
import { useEnglishMessages } from '../http/zod-messages.js';

const list = z.pipe(
  z.optional(z.string()),
  z.transform((v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
);

// Origins as browsers send them: `https://shop.example.com/` (copied from the address bar)
// becomes `https://shop.example.com`; an app's own scheme (`capacitor://localhost`) is kept as
// written; a path, a query or a non-URL is refused, naming the variable.
const origins = z.pipe(
  list,
  z.pipe(
    z.array(z.string()).check(z.refine(
      (items) => items.every((o) => o === '*' || originOf(o) !== null),
      'must be comma-separated origins such as https://shop.example.com',
    )),
    z.transform((items: string[]) => items.map((o) => (o === '*' ? o : originOf(o)!))),
  ),
);

function originOf(entry: string): string | null {
  const app = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\s]+)\/?$/i.exec(entry);
  if (app && !/^https?$/i.test(app[1]!)) return `${app[1]}://${app[2]}`.toLowerCase();
  try {
    const u = new URL(entry);
    const bare = u.pathname === '/' && !u.search && !u.hash && !u.username && !u.password;
    return bare && (u.protocol === 'https:' || u.protocol === 'http:') ? u.origin : null;
  } catch {
    return null;
  }
}

const optional = z.optional(z.string().check(z.trim(), z.minLength(1)));
const pattern = (re: RegExp, message: string) => z.optional(z.string().check(z.regex(re, message)));
const url = z.optional(z.url());
// Trimmed: `echo $T | vercel env add` stores a trailing newline, which no bearer header carries.
const secret = z.optional(z.string().check(z.trim(), z.minLength(16, 'must be at least 16 characters'), z.regex(/^\S+$/, 'must not contain spaces')));
const int = (def: number, min: number, max: number) =>
  z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(min), z.maximum(max))), def);

// The only place that reads process.env. Optional features resolve to undefined, and a
// route asks for what it needs with `requireConfig`, so nothing fails at import time.
const envSchema = z.object({
  STRIPE_SECRET_KEY: pattern(/^(sk|rk)_(test|live)_/, 'must start with sk_test_, sk_live_, rk_test_ or rk_live_'),
  STRIPE_PUBLISHABLE_KEY: pattern(/^pk_(test|live)_/, 'must start with pk_test_ or pk_live_'),
  STRIPE_WEBHOOK_SECRET: list,
  STRIPE_API_BASE: url,
  DATABASE_URL: pattern(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_DRIVER: z.optional(z.enum(['neon', 'pg', 'pglite'])),
  DATABASE_PREPARED_STATEMENTS: z._default(z.enum(['on', 'off']), 'on'),
  PGLITE_DATA_DIR: optional,
  NEON_WS_PROXY: optional,
  UPSTASH_REDIS_REST_URL: url,
  UPSTASH_REDIS_REST_TOKEN: optional,
  KV_REST_API_URL: url,
  KV_REST_API_TOKEN: optional,
  PUBLIC_BASE_URL: url,
  ALLOWED_ORIGINS: origins,
  ALLOWED_PRICE_IDS: list,
  PLATFORM_FEE_BPS: int(250, 0, 10_000),
  ADMIN_TOKEN: secret,
  CRON_SECRET: secret,
  RATE_LIMIT_PER_MINUTE: int(20, 1, 100_000),
  RESEND_API_KEY: optional,
  EMAIL_FROM: optional,
  STATE_SIGNING_SECRET: secret,
});

export type Env = z.output<typeof envSchema>;
export type EnvName = keyof Env;

let cached: Env | undefined;

/**
 * Each variable is checked on its own: one that is set but invalid answers 503
 * `invalid_configuration` naming it to the code that reads it (a Proxy throws on that key),
 * and every route that does not need it keeps working.
 */
export function getConfig(): Env {
  if (cached) return cached;
  const values: Record<string, unknown> = {};
  const invalid = new Map<string, string>();
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const raw = emptyToUndefined(process.env[name]);
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
      continue;
    }
    // Messages are built at parse time: parse again with English ones (see zod-messages.ts).
    useEnglishMessages();
    const issue = (schema.safeParse(raw).error ?? parsed.error).issues[0]!;
    invalid.set(name, `${name} ${issue.message}.`);
  }
  cached = (invalid.size === 0 ? values : new Proxy(values, {
    get(target, key) {
      const message = typeof key === 'string' ? invalid.get(key) : undefined;
      if (message) throw new ApiError('invalid_configuration', message);
      return target[key as string];
    },
  })) as Env;
  return cached;
}

/** The value of a variable a route cannot work without; 503 naming it when absent. */
export function requireConfig<K extends EnvName>(name: K): NonNullable<Env[K]> {
  const value = getConfig()[name];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new ApiError('not_configured', `${name} is not set on the server.`);
  }
  return value as NonNullable<Env[K]>;
}

/** Tests and the dev server change the environment; this makes the next read see it. */
export function resetConfig(): void {
  cached = undefined;
}

function emptyToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
