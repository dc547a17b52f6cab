import { randomBytes } from 'node:crypto';
import { getConfig, resetConfig } from '../lib/config/index.js';
import { startAppServer, type AppServer, type ExtraHandler } from './app-server.js';
import { devOutbox } from './dev-outbox.js';
import { startStripeEmulator, type StripeEmulator } from './stripe-emulator/index.js';

export interface DevStack {
  app: AppServer;
  emulator: StripeEmulator | null;
  close(): Promise<void>;
}

export interface DevStackOptions {
  port?: number;
  host?: string;
  emulatorPort?: number;
  /** Variables to set before lib reads its configuration. */
  env?: Record<string, string | undefined>;
  emulatorOptions?: { retryDelaysMs?: number[]; asyncSettleMs?: number };
  extra?: ExtraHandler;
}

/**
 * The whole product on a laptop: the app server and, when no Stripe key is configured, the
 * Stripe emulator, each pointed at the other. The dev server and browser tests share this.
 */
export async function startDevStack(opts: DevStackOptions = {}): Promise<DevStack> {
  Object.assign(process.env, opts.env);
  const useEmulator = !process.env.STRIPE_SECRET_KEY;
  let emulator: StripeEmulator | null = null;
  if (useEmulator) {
    // Signed with the secrets exactly as the webhook reads them (trimmed, empty items dropped),
    // or the emulator's own when none are set (`.env.example` leaves the variable empty).
    resetConfig();
    if (webhookSecrets().length === 0) {
      process.env.STRIPE_WEBHOOK_SECRET = 'whsec_emulator_platform,whsec_emulator_connect';
      resetConfig();
    }
    const [platformSecret, connectSecret] = webhookSecrets();
    emulator = await startEmulatorOn(opts.emulatorPort ?? 12111, {
      ...opts.emulatorOptions,
      webhookSecret: platformSecret,
      connectWebhookSecret: connectSecret ?? platformSecret,
    });
    process.env.STRIPE_API_BASE = emulator.url;
  }
  // Dev-only conveniences; a deployment sets these itself.
  // Blank counts as unset, as lib's config reads it (`.env.example` leaves them empty).
  for (const [name, prefix] of [['ADMIN_TOKEN', 'dev_admin_'], ['CRON_SECRET', 'dev_cron_'], ['STATE_SIGNING_SECRET', 'dev_state_']] as const) {
    if (!process.env[name]?.trim()) process.env[name] = prefix + randomBytes(12).toString('hex');
  }
  resetConfig();

  const extra: ExtraHandler = async (req) => (await devOutbox(req)) ?? (opts.extra ? opts.extra(req) : null);
  const app = await startAppServer({ port: opts.port, host: opts.host, extra });
  if (!process.env.PUBLIC_BASE_URL) {
    process.env.PUBLIC_BASE_URL = app.url.replace('127.0.0.1', 'localhost');
    resetConfig();
  }
  emulator?.setWebhook(`${app.url}/api/webhook`);
  return {
    app,
    emulator,
    async close() {
      await app.close();
      await emulator?.close();
    },
  };
}

// An invalid value signs with nothing the webhook accepts; the webhook then answers 503 naming it.
function webhookSecrets(): string[] {
  try {
    return getConfig().STRIPE_WEBHOOK_SECRET ?? [];
  } catch {
    return ['whsec_invalid_configuration'];
  }
}

// A second dev server on the same machine gets a random emulator port instead of failing.
async function startEmulatorOn(port: number, options: Parameters<typeof startStripeEmulator>[0]): Promise<StripeEmulator> {
  try {
    return await startStripeEmulator({ ...options, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
    return startStripeEmulator({ ...options, port: 0 });
  }
}
