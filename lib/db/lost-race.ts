import { errorChain } from '../http/errors.js';

/**
 * Runs `attempt` (a whole transaction) again when it lost a race that trying again wins:
 * - a unique key that its upsert does not arbitrate (`23505`): ON CONFLICT handles one unique
 *   index, and an order has three (session, payment intent, charge). Two writers of one order
 *   can both find no row, and the second then fails on another key; trying again sees the
 *   first one's row and joins it.
 * - a deadlock (`40P01`): events of one purchase delivered at once (a session, its payment
 *   intent and charge) lock the order's rows through different keys; Postgres aborts one of
 *   them, which succeeds once the other has committed.
 */
export async function retryLostRace<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries || !RETRYABLE.has(pgCode(err) ?? '')) throw err;
    }
  }
}

const RETRYABLE = new Set(['23505', '40P01']);

// The first code in the chain: drivers and drizzle wrap the database error.
function pgCode(err: unknown): string | undefined {
  for (const e of errorChain(err)) if (typeof e.code === 'string') return e.code;
  return undefined;
}
