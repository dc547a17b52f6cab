import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Db } from '../../lib/db/client.js';
import { orders, webhookEvents, type OrderStatus, type WebhookEventStatus } from '../../lib/db/schema.js';
import { TEST_ADMIN_TOKEN } from '../support/app.js';

export const driver = inject('postgres') ? 'neon' : 'pglite';

export function bearer(token = TEST_ADMIN_TOKEN): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

export async function body<T = any>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function insertOrders(db: Db, n: number, status: OrderStatus = 'open'): Promise<number[]> {
  if (n === 0) return [];
  const rows = await db
    .insert(orders)
    .values(Array.from({ length: n }, (_, i) => ({ status, currency: 'usd', amountTotal: 100 + i })))
    .returning({ id: orders.id });
  return rows.map((r) => r.id);
}

export function eventId(): string {
  return `evt_test_${randomBytes(8).toString('hex')}`;
}

export async function insertEvents(
  db: Db,
  n: number,
  opts: { status?: WebhookEventStatus; type?: string; lastError?: string } = {},
): Promise<string[]> {
  if (n === 0) return [];
  const values = Array.from({ length: n }, () => {
    const id = eventId();
    const type = opts.type ?? 'customer.created';
    return {
      id, type, stripeCreated: Math.floor(Date.now() / 1000), status: opts.status ?? 'processed',
      attempts: 1, lastError: opts.lastError ?? null,
      payload: { id, object: 'event', type, data: { object: { id: 'cus_x' } } },
    };
  });
  // One statement: every row gets the same received_at, which exercises the cursor's tie-break.
  await db.insert(webhookEvents).values(values);
  return values.map((v) => v.id);
}
