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
      const stripe = checkStripe();
      const ok = db === 'ok' && redis !== 'error' && stripe !== 'error';
      return json({ ok, db, redis, stripe }, db === 'ok' ? 200 : 503);
    },
  },
});

// The timeout bounds the round trip, not opening the client: for Neon and pg that is instant
// (their own connect timeout covers the network), and embedded PGlite's one-time start with
// its migrations may legitimately take longer.
async function checkDb(): Promise<'ok' | 'error'> {
  try {
    const db = await getDb();
    await withTimeout(() => db.execute(sql`select 1`));
    return 'ok';
  } catch {
    return 'error';
  }
}

// A malformed key is reported here, not thrown: health answers its shape whatever is wrong.
function checkStripe(): ReturnType<typeof stripeMode> | 'error' {
  try {
    return stripeMode();
  } catch {
    return 'error';
  }
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
