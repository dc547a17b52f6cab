import { resetConfig } from '../../lib/config/index.js';
import { closeDb } from '../../lib/db/client.js';
import { resetKv } from '../../lib/kv/index.js';
import { resetStripe } from '../../lib/stripe/client.js';

const ours = [
  'STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_API_BASE', 'DATABASE_URL',
  'DATABASE_DRIVER', 'DATABASE_PREPARED_STATEMENTS', 'PGLITE_DATA_DIR', 'NEON_WS_PROXY', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN',
  'KV_REST_API_URL', 'KV_REST_API_TOKEN', 'PUBLIC_BASE_URL', 'ALLOWED_ORIGINS', 'ALLOWED_PRICE_IDS',
  'PLATFORM_FEE_BPS', 'ADMIN_TOKEN', 'CRON_SECRET', 'RATE_LIMIT_PER_MINUTE', 'RESEND_API_KEY', 'EMAIL_FROM',
  'STATE_SIGNING_SECRET',
];

/** Replaces the project's variables with exactly `env` and drops every cached client. */
export async function setEnv(env: Record<string, string | undefined>): Promise<void> {
  for (const k of ours) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  resetConfig();
  resetKv();
  resetStripe();
  await closeDb();
}
