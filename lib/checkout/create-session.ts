import Stripe from 'stripe';
import { getPurchasablePrice, stripeFailure } from '../catalogue/price-lookup.js';
import { assertSoldBy } from '../catalogue/price-owner.js';
import { getConfig, requireConfig } from '../config/index.js';
import { getDb } from '../db/client.js';
import { ApiError } from '../http/errors.js';
import { requireActiveStore } from '../stores/queries.js';
import { getStripe, stripeIdempotencyKey } from '../stripe/client.js';
import { recordOpenOrder } from './record-order.js';
import type { CheckoutRequest } from './request.js';
import { planSession } from './session-params.js';

export interface CreatedSession {
  id: string;
  url: string;
}

/** Validates the price and store against Stripe and our database, creates the session, writes the order. */
export async function createCheckout(input: CheckoutRequest): Promise<CreatedSession> {
  const baseUrl = requireConfig('PUBLIC_BASE_URL').replace(/\/+$/, '');
  const price = await getPurchasablePrice(input.priceId);
  const db = await getDb();
  const store = input.store ? await requireActiveStore(db, input.store) : null;
  await assertSoldBy(db, [price], store);
  const feeBps = store?.settings.feeBps ?? getConfig().PLATFORM_FEE_BPS;
  const planned = planSession({ price, quantity: input.quantity, store, feeBps, baseUrl });
  const session = await createSession(planned.params, input.idempotencyKey);
  if (!session.url) throw stripeFailure(new Error(`session ${session.id} has no url`));
  await recordOpenOrder(db, { session, planned, price, quantity: input.quantity, store });
  return { id: session.id, url: session.url };
}

async function createSession(
  params: Stripe.Checkout.SessionCreateParams,
  idempotencyKey: string | null,
): Promise<Stripe.Checkout.Session> {
  try {
    return await getStripe().checkout.sessions.create(params, stripeIdempotencyKey('checkout', idempotencyKey));
  } catch (err) {
    if (err instanceof Stripe.errors.StripeIdempotencyError) {
      throw new ApiError('conflict', 'This Idempotency-Key was already used for a different purchase; send a new key.');
    }
    throw stripeFailure(err);
  }
}
