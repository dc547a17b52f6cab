import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { getDb, type Db } from '../../lib/db/client.js';
import { migrateDb } from '../../lib/db/migrate.js';
import { startDevStack, type DevStack } from '../../local/dev-stack.js';
import type { StripeEmulator } from '../../local/stripe-emulator/index.js';
import { createTestDatabase } from './db.js';
import { setEnv } from './env.js';

/** Debian's package (`apt-get install chromium`); we never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ARTIFACTS_DIR = path.resolve('test-artifacts');

/**
 * Whether browser tests can run. In CI a missing Chromium is a failure, not a skip: call this
 * at the top of a browser test file and use the result with `describe.runIf`.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `${CHROMIUM_PATH} not found: install Debian's chromium package (apt-get install chromium).`;
  if (process.env.CI) throw new Error(`${message} Browser tests cannot be skipped in CI.`);
  console.warn(`\n  ${message} Browser tests are skipped locally.\n`);
  return false;
}

export interface TestBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile in a temp directory. Playwright refuses
 * `--user-data-dir` in launch args, so the profile is passed the way it asks: as the
 * persistent context's directory. en-US and UTC keep formatted text stable.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'chromium-test-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1024, height: 768 },
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserStack {
  /** The app's public address (`http://localhost:PORT`), also its PUBLIC_BASE_URL. */
  url: string;
  stack: DevStack;
  emulator: StripeEmulator;
  db: Db;
  stop(): Promise<void>;
}

/**
 * The product as `npm run dev` runs it (app server + Stripe emulator delivering webhooks), on
 * random ports, over a fresh, migrated Postgres database.
 */
export async function startBrowserStack(opts: { driver?: 'pg' | 'neon'; env?: Record<string, string> } = {}): Promise<BrowserStack> {
  const driver = opts.driver ?? 'pg';
  const database = await createTestDatabase(driver);
  await setEnv({ ...database.env, ...opts.env });
  const db = await getDb();
  await migrateDb(db, driver);
  const stack = await startDevStack({
    port: 0,
    emulatorPort: 0,
    env: {},
    emulatorOptions: { asyncSettleMs: 500, retryDelaysMs: [100, 200, 400] },
  });
  if (!stack.emulator) throw new Error('startBrowserStack expects the emulator (no STRIPE_SECRET_KEY)');
  return {
    url: stack.app.url.replace('127.0.0.1', 'localhost'),
    stack,
    emulator: stack.emulator,
    db,
    async stop() {
      await stack.close();
      await setEnv({});
      await database.drop();
    },
  };
}
