import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { webhookEvents } from '../db/schema.js';
import { processEvent, type ProcessResult } from './process.js';
import type { ThinEvent } from './types.js';

/**
 * Re-applies a stored event: a `failed` one is retried, anything else reports `duplicate`.
 * Null when no event with that id was ever stored.
 */
export async function replayStoredEvent(db: Db, id: string): Promise<ProcessResult | null> {
  const [row] = await db.select({ payload: webhookEvents.payload }).from(webhookEvents).where(eq(webhookEvents.id, id));
  if (!row) return null;
  return processEvent(db, row.payload as Stripe.Event | ThinEvent, { source: 'replay' });
}
