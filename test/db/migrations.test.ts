import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chooseDriver, getDb, type Db, type Driver } from '../../lib/db/client.js';
import { migrateDb } from '../../lib/db/migrate.js';
import * as t from '../../lib/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { setEnv } from '../support/env.js';

// Every migration drizzle-kit generated, once each.
const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] };

const drivers: Driver[] = inject('postgres') ? ['pglite', 'pg', 'neon'] : ['pglite'];

const tables = [
  'stores', 'customers', 'products', 'prices', 'orders', 'entitlements', 'subscriptions',
  'webhook_events', 'email_outbox', 'reconcile_checkpoints',
];

describe.each(drivers)('schema on %s', (driver) => {
  let testDb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    await setEnv(testDb.env);
    expect(chooseDriver()).toBe(driver);
    db = await getDb();
    if (driver !== 'pglite') await migrateDb(db, driver);
  });
  afterAll(async () => {
    await setEnv({});
    await testDb.drop();
  });

  it('applies the migrations from empty and records them once', async () => {
    const rows = await db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public'`,
    );
    const names = rowsOf<{ table_name: string }>(rows).map((r) => r.table_name);
    expect(names.sort()).toEqual([...tables].sort());
    await migrateDb(db, driver); // a second run is a no-op
    const applied = rowsOf<{ n: number }>(await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
    expect(applied[0]!.n).toBe(journal.entries.length);
  });

  const store = (accountId: string, slug: string) => ({
    accountId, slug, name: 'Shop', settings: { currency: 'usd', feeBps: 250 },
  });
  const order = (o: Partial<typeof t.orders.$inferInsert>) => ({ currency: 'usd', amountTotal: 100, ...o });
  const duplicates: Array<[string, (db: Db) => Promise<unknown>]> = [
    ['stores.account_id', (db) => db.insert(t.stores).values(store('acct_dup', `s-${Math.random()}`))],
    ['stores.slug', (db) => db.insert(t.stores).values(store(`acct_${Math.random()}`, 'dup-slug'))],
    ['customers.stripe_id', (db) => db.insert(t.customers).values({ stripeId: 'cus_dup' })],
    ['products.stripe_id', (db) => db.insert(t.products).values({ stripeId: 'prod_dup', name: 'P' })],
    ['prices.stripe_id', (db) => db.insert(t.prices).values({ stripeId: 'price_dup', productStripeId: 'prod_x', currency: 'usd', type: 'one_time' })],
    ['orders.checkout_session_id', (db) => db.insert(t.orders).values(order({ checkoutSessionId: 'cs_dup' }))],
    ['orders.payment_intent_id', (db) => db.insert(t.orders).values(order({ paymentIntentId: 'pi_dup' }))],
    ['orders.charge_id', (db) => db.insert(t.orders).values(order({ chargeId: 'ch_dup' }))],
    ['subscriptions.stripe_id', (db) => db.insert(t.subscriptions).values({ stripeId: 'sub_dup', status: 'active' })],
    ['webhook_events.id', (db) => db.insert(t.webhookEvents).values({ id: 'evt_dup', type: 'x', stripeCreated: 1, payload: {}, status: 'processed' })],
  ];

  it.each(duplicates)('%s rejects a duplicate', async (_column, insert) => {
    await insert(db);
    const err = await insert(db).then(() => null, (e: unknown) => e);
    expect(pgCode(err)).toBe('23505');
  });

  it('keeps money as integers in minor units, beyond 32 bits', async () => {
    const [row] = await db.insert(t.orders).values(order({ currency: 'jpy', amountTotal: 9_000_000_000 })).returning();
    expect(row!.amountTotal).toBe(9_000_000_000);
  });
});

function rowsOf<T>(result: unknown): T[] {
  // node-postgres and neon return {rows}; pglite returns {rows} too, drizzle passes them through.
  return (result as { rows: T[] }).rows;
}

function pgCode(err: unknown): string | undefined {
  let e = err as { code?: string; cause?: unknown } | undefined;
  while (e) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
