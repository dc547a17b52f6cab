/**
 * Runs `attempt` (a whole transaction) once more if it lost a race on a unique key that its
 * upsert does not arbitrate: ON CONFLICT handles one unique index, and an order has three
 * (session, payment intent, charge). Two writers of one order can both find no row, and the
 * second then fails on another key; trying again sees the first one's row and joins it.
 */
export async function retryUniqueRace<T>(attempt: () => Promise<T>): Promise<T> {
  return attempt().catch((err: unknown) => (pgCode(err) === '23505' ? attempt() : Promise.reject(err)));
}

// Drivers and drizzle wrap the database error: its code may be a few `cause`s deep.
function pgCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
