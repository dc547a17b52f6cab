import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { startNeonRelay, type NeonRelay } from '../../local/neon-relay.js';
import type { Driver } from '../../lib/db/client.js';

export const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  driver: Driver;
  /** The Postgres database's name (`memory` for PGlite). */
  name: string;
  /** Variables that point lib at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file, on the given driver; `drop` removes it. */
export async function createTestDatabase(driver: Driver): Promise<TestDatabase> {
  if (driver === 'pglite') {
    return { driver, name: 'memory', env: { DATABASE_DRIVER: 'pglite', PGLITE_DATA_DIR: 'memory://' }, drop: async () => {} };
  }
  const name = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = `postgresql://postgres@127.0.0.1:5432/${name}`;
  let relay: NeonRelay | undefined;
  const env: Record<string, string> = { DATABASE_URL: url, DATABASE_DRIVER: driver };
  if (driver === 'neon') {
    relay = await startNeonRelay();
    env.NEON_WS_PROXY = relay.wsProxy;
  }
  return {
    driver,
    name,
    env,
    async drop() {
      await relay?.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
