import type Stripe from 'stripe';
import type { Db } from '../db/client.js';

/**
 * The success page's path to fulfilment: the same idempotent function the webhook uses, so
 * whichever arrives first fulfils and the other changes nothing.
 */
export async function fulfilFromSession(db: Db, session: Stripe.Checkout.Session): Promise<void> {
  void db;
  void session;
  // Wired to lib/fulfilment/checkout.ts syncCheckoutSession once it lands.
}
