import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { getConfig } from '../config/index.js';
import { ApiError } from '../http/errors.js';
import { isDeployed } from '../platform/deployed.js';
import * as schema from './schema.js';

/** What all query code is written against: pglite, node-postgres and Neon all satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = 'neon' | 'pg' | 'pglite';

interface Handle {
  db: Db;
  driver: Driver;
  close(): Promise<void>;
}

// One client per process. On Vercel's and Netlify's Node runtimes an instance is reused
// across invocations, so the pool is too; the "Pool per request" rule is for edge runtimes.
let handle: Promise<Handle> | undefined;

export function chooseDriver(): Driver {
  const { DATABASE_URL, DATABASE_DRIVER } = getConfig();
  if (DATABASE_DRIVER) return DATABASE_DRIVER;
  if (!DATABASE_URL) {
    // A deployment without the variable: a 503 naming it, not the embedded database's 500s.
    if (isDeployed()) throw new ApiError('not_configured', 'DATABASE_URL is not set on the server.');
    return 'pglite';
  }
  return /\.neon\.(tech|build)(:|\/|$)/.test(new URL(DATABASE_URL).hostname + '/') ? 'neon' : 'pg';
}

export async function getDb(): Promise<Db> {
  handle ??= open().catch((err) => {
    handle = undefined; // let the next request try again
    throw err;
  });
  return (await handle).db;
}

export async function closeDb(): Promise<void> {
  const h = handle;
  handle = undefined;
  if (h) await (await h).close().catch(() => {});
}

async function open(): Promise<Handle> {
  const driver = chooseDriver();
  if (driver === 'neon') return openNeon();
  if (driver === 'pg') return openPg();
  return openPglite();
}

async function openNeon(): Promise<Handle> {
  const { DATABASE_URL, NEON_WS_PROXY } = getConfig();
  const [{ Pool, neonConfig }, { drizzle }] = await Promise.all([
    import('@neondatabase/serverless'),
    import('drizzle-orm/neon-serverless'),
  ]);
  if (typeof WebSocket === 'undefined') neonConfig.webSocketConstructor = (await import('ws')).default;
  if (NEON_WS_PROXY) {
    // Local Postgres behind local/neon-relay: plain ws, and no pipelining, which breaks SCRAM.
    neonConfig.wsProxy = NEON_WS_PROXY; // the driver appends ?address=host:port
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: requireUrl(DATABASE_URL), max: 10, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {}); // an idle client's dropped socket must not crash the process
  return { db: drizzle(pool, { schema }) as unknown as Db, driver: 'neon', close: () => pool.end() };
}

async function openPg(): Promise<Handle> {
  const { DATABASE_URL } = getConfig();
  const [{ default: pg }, { drizzle }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres')]);
  const pool = new pg.Pool({ connectionString: requireUrl(DATABASE_URL), max: 10, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {});
  return { db: drizzle(pool, { schema }) as unknown as Db, driver: 'pg', close: () => pool.end() };
}

async function openPglite(): Promise<Handle> {
  const { PGLITE_DATA_DIR } = getConfig();
  const [{ PGlite }, { drizzle }, { migrateDb }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('./migrate.js'),
  ]);
  const dir = PGLITE_DATA_DIR ?? '.data/pglite';
  if (dir !== 'memory://') (await import('node:fs')).mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  const db = drizzle(client, { schema }) as unknown as Db;
  // The embedded database has no separate migrate step: bring it up to date on open.
  await migrateDb(db, 'pglite');
  return { db, driver: 'pglite', close: () => client.close() };
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('DATABASE_URL is required for this driver');
  return url;
}
