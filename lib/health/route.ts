import { sql } from 'drizzle-orm';
import { getDb } from '../db/client.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { getKv } from '../kv/index.js';
import { stripeMode } from '../stripe/mode.js';

const CHECK_TIMEOUT_MS = 3000;

// Reports Stripe's mode from configuration only: health must stay cheap and never call Stripe.
export const healthRoute = defineRoute({
  path: '/api/health',
  methods: {
    async GET() {
      const [db, redis] = await Promise.all([checkDb(), checkRedis()]);
      const ok = db === 'ok' && redis !== 'error';
      return json({ ok, db, redis, stripe: stripeMode() }, db === 'ok' ? 200 : 503);
    },
  },
});

async function checkDb(): Promise<'ok' | 'error'> {
  return withTimeout(async () => {
    const db = await getDb();
    await db.execute(sql`select 1`);
  }).then(() => 'ok' as const, () => 'error' as const);
}

async function checkRedis(): Promise<'ok' | 'memory' | 'error'> {
  return withTimeout(async () => {
    const kv = await getKv();
    await kv.ping();
    return kv.kind === 'memory' ? ('memory' as const) : ('ok' as const);
  }).catch(() => 'error' as const);
}

function withTimeout<T>(fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  return Promise.race([fn(), timeout]).finally(() => clearTimeout(timer));
}
