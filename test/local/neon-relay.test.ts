import { Pool, neonConfig } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws, { WebSocket } from 'ws';
import { neonLocalConfig, startNeonRelay, type NeonRelay } from '../../local/neon-relay.js';

const DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

describe('neon relay', () => {
  let relay: NeonRelay;
  let pool: Pool;

  beforeAll(async () => {
    relay = await startNeonRelay();
    neonConfig.webSocketConstructor = ws;
    Object.assign(neonConfig, neonLocalConfig(relay.wsProxy));
    pool = new Pool({ connectionString: DATABASE_URL });
  });

  afterAll(async () => {
    await pool?.end();
    await relay?.close();
  });

  it('exposes wsProxy without a scheme', () => {
    expect(relay.wsProxy).toBe(`127.0.0.1:${relay.port}/v1`);
  });

  it('runs a query through the real Neon Pool', async () => {
    const { rows } = await pool.query('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('supports an interactive transaction', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('create temp table relay_t (id int primary key, name text)');
      await client.query('insert into relay_t values ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
      const { rows } = await client.query('select name from relay_t order by id');
      expect(rows.map((r) => r.name)).toEqual(['a', 'b']);
      await client.query('ROLLBACK');
      await expect(client.query('select 1 from relay_t')).rejects.toThrow(/relay_t/);
    } finally {
      client.release();
    }
  });

  it('works with drizzle-orm/neon-serverless', async () => {
    const db = drizzle({ client: pool });
    const res = await db.execute(sql`select 1 as one`);
    expect(res.rows).toEqual([{ one: 1 }]);
  });

  it('refuses non-loopback targets with 403', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const sock = new WebSocket(`ws://${relay.wsProxy}?address=10.0.0.1:5432`);
      sock.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      sock.on('open', () => reject(new Error('upgrade unexpectedly succeeded')));
      sock.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });
});
