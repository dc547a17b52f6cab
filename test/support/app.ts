import { getDb, type Db, type Driver } from '../../lib/db/client.js';
import { migrateDb } from '../../lib/db/migrate.js';
import { invoke, type Route } from '../../lib/http/route.js';
import { startStripeEmulator, type EmulatorOptions, type StripeEmulator } from '../../local/stripe-emulator/index.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { setEnv } from './env.js';

export const TEST_WEBHOOK_SECRET = 'whsec_test_platform';
export const TEST_CONNECT_WEBHOOK_SECRET = 'whsec_test_connect';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
export const TEST_CRON_SECRET = 'test-cron-secret-0123456789';

export interface TestApp {
  db: Db;
  driver: Driver;
  emulator: StripeEmulator | null;
  /** Sends a Web Request through the route exactly as a platform adapter would. */
  call(route: Route, path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Defaults to `neon` (production's driver, through the relay) when Postgres is reachable. */
  driver?: Driver;
  /** Start a Stripe emulator (no webhook delivery unless `emulatorOptions.webhookUrl`). */
  emulator?: boolean;
  emulatorOptions?: EmulatorOptions;
  env?: Record<string, string | undefined>;
}

/** One per test file: a fresh database, optionally an emulator, and the project's env. */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const driver = opts.driver ?? 'neon';
  const database: TestDatabase = await createTestDatabase(driver);
  const emulator = opts.emulator
    ? await startStripeEmulator({
        webhookUrl: null,
        webhookSecret: TEST_WEBHOOK_SECRET,
        connectWebhookSecret: TEST_CONNECT_WEBHOOK_SECRET,
        retryDelaysMs: [50, 100, 200],
        asyncSettleMs: 100,
        ...opts.emulatorOptions,
      })
    : null;
  await setEnv({
    ...database.env,
    STRIPE_WEBHOOK_SECRET: `${TEST_WEBHOOK_SECRET},${TEST_CONNECT_WEBHOOK_SECRET}`,
    STRIPE_API_BASE: emulator?.url ?? 'http://127.0.0.1:9',
    PUBLIC_BASE_URL: 'http://localhost:3000',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    CRON_SECRET: TEST_CRON_SECRET,
    STATE_SIGNING_SECRET: 'test-state-secret-0123456789',
    ...opts.env,
  });
  const db = await getDb();
  if (driver !== 'pglite') await migrateDb(db, driver);
  return {
    db,
    driver,
    emulator,
    call(route, path, init = {}) {
      const { ip, ...rest } = init;
      return invoke(route, new Request(`http://localhost:3000${path}`, rest), ip ?? '203.0.113.1');
    },
    async stop() {
      await setEnv({});
      await emulator?.close();
      await database.drop();
    },
  };
}
