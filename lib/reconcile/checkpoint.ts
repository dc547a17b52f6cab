import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { reconcileCheckpoints } from '../db/schema.js';

/** `created` of the newest event applied with nothing failed before it; null before the first run. */
export async function readCheckpoint(db: Db, name: string): Promise<number | null> {
  return (await readStreamState(db, name)).checkpoint;
}

/** A stream's checkpoint, and the unread part left below a run that stopped at its page limit. */
export interface StreamState {
  checkpoint: number | null;
  readBelow: number | null;
  readAfterId: string | null;
  thenTo: number | null;
}

export async function readStreamState(db: Db, name: string): Promise<StreamState> {
  const [row] = await db
    .select({
      checkpoint: reconcileCheckpoints.lastEventCreated, readBelow: reconcileCheckpoints.readBelow,
      readAfterId: reconcileCheckpoints.readAfterId, thenTo: reconcileCheckpoints.thenTo,
    })
    .from(reconcileCheckpoints)
    .where(eq(reconcileCheckpoints.name, name));
  return row ?? { checkpoint: null, readBelow: null, readAfterId: null, thenTo: null };
}

/**
 * Moves the checkpoint forward only (a slow run finishing late never moves it back); `below`
 * sets or, with nulls, clears what is still to be read under a stopped run.
 */
export async function advanceCheckpoint(
  db: Db, name: string, created: number | null, below?: Pick<StreamState, 'readBelow' | 'readAfterId' | 'thenTo'>,
): Promise<void> {
  await db
    .insert(reconcileCheckpoints)
    .values({ name, lastEventCreated: created, ...below })
    .onConflictDoUpdate({
      target: reconcileCheckpoints.name,
      set: {
        lastEventCreated: sql`greatest(${reconcileCheckpoints.lastEventCreated}, excluded.last_event_created)`,
        ...(below ? { readBelow: sql`excluded.read_below`, readAfterId: sql`excluded.read_after_id`, thenTo: sql`excluded.then_to` } : {}),
        lastRunAt: sql`now()`,
      },
    });
}
