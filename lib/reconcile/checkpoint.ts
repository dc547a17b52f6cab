import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { reconcileCheckpoints } from '../db/schema.js';

/** `created` of the newest event applied with nothing failed before it; null before the first run. */
export async function readCheckpoint(db: Db, name: string): Promise<number | null> {
  const [row] = await db
    .select({ at: reconcileCheckpoints.lastEventCreated })
    .from(reconcileCheckpoints)
    .where(eq(reconcileCheckpoints.name, name));
  return row?.at ?? null;
}

/** Moves the checkpoint forward only: a slow run finishing late never moves it back. */
export async function advanceCheckpoint(db: Db, name: string, created: number): Promise<void> {
  await db
    .insert(reconcileCheckpoints)
    .values({ name, lastEventCreated: created })
    .onConflictDoUpdate({
      target: reconcileCheckpoints.name,
      set: {
        lastEventCreated: sql`greatest(${reconcileCheckpoints.lastEventCreated}, excluded.last_event_created)`,
        lastRunAt: sql`now()`,
      },
    });
}
