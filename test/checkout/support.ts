import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { closeDb, type Db } from '../../lib/db/client.js';
import { orders, stores, type StoreStatus } from '../../lib/db/schema.js';
import type { TestApp } from '../support/app.js';
export { sdkFor } from '../support/sdk.js';

export const driver = inject('postgres') ? 'neon' : 'pglite';

export const PATH = '/api/create-checkout-session';

/** A client address nobody else uses, so rate-limit keys never collide between runs. */
export function freshIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export function jsonInit(body: unknown, headers: Record<string, string> = {}, ip = freshIp()): RequestInit & { ip: string } {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ip,
  };
}

export async function orderCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(orders);
  return Number(row!.n);
}

export async function insertStore(db: Db, opts: { slug: string; accountId: string; status: StoreStatus; feeBps?: number }) {
  const [row] = await db
    .insert(stores)
    .values({
      slug: opts.slug,
      accountId: opts.accountId,
      name: `Store ${opts.slug}`,
      status: opts.status,
      chargesEnabled: opts.status === 'active',
      settings: { currency: 'usd', feeBps: opts.feeBps ?? 250 },
    })
    .returning();
  return row!;
}

export async function expectError(res: Response, status: number, code: string): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  if (res.status !== status || body.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(body)}`);
  }
  if (typeof body.error.message !== 'string' || body.error.message.length === 0) throw new Error('error without message');
  return body.error;
}

export type { TestApp };

/**
 * Points the app's database at an address nothing answers on (the pg driver, so the failure is
 * a refused connection); the returned function puts the real one back.
 */
export async function takeDatabaseDown(url: string): Promise<() => Promise<void>> {
  const saved = Object.fromEntries(['DATABASE_URL', 'DATABASE_DRIVER', 'NEON_WS_PROXY'].map((k) => [k, process.env[k]]));
  await closeDb();
  process.env.DATABASE_DRIVER = 'pg';
  process.env.DATABASE_URL = url;
  delete process.env.NEON_WS_PROXY;
  resetConfig();
  return async () => {
    await closeDb();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
  };
}
