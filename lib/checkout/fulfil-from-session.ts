import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { syncCheckoutSession } from '../fulfilment/checkout.js';

/**
 * The success page's path to fulfilment: the webhook's own idempotent function, so whichever
 * of the two arrives first fulfils and the other changes nothing. `eventCreated: null` marks
 * a read from Stripe rather than an event, so it never outranks a newer event's write.
 */
export async function fulfilFromSession(db: Db, session: Stripe.Checkout.Session): Promise<void> {
  await syncCheckoutSession(db, session, { eventCreated: null });
}
