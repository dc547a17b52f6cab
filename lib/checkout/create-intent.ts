import Stripe from 'stripe';
import { stripeFailure } from '../catalogue/price-lookup.js';
import { getConfig, requireConfig } from '../config/index.js';
import { getDb } from '../db/client.js';
import { ApiError } from '../http/errors.js';
import { requireActiveStore } from '../stores/queries.js';
import { getStripe, stripeIdempotencyKey, stripeMode } from '../stripe/client.js';
import { recordIntentOrder } from './create-intent-order.js';
import { loadPrices, planIntent } from './create-intent-plan.js';
import type { CreateIntentRequest } from './create-intent-request.js';

export interface CreatedIntent {
  clientSecret: string;
  paymentIntentId: string;
  amountTotal: number;
  applicationFeeAmount: number | null;
  currency: string;
  publishableKey: string;
}

// The emulator accepts any key; Elements pages served by `npm run dev` use this one.
export const EMULATOR_PUBLISHABLE_KEY = 'pk_test_emulator';

export async function createIntent(input: CreateIntentRequest): Promise<CreatedIntent> {
  const publishableKey = publishableKeyFor();
  const db = await getDb();
  const store = input.store ? await requireActiveStore(db, input.store) : null;
  const loaded = await loadPrices(db, input, store);
  const feeBps = store?.settings.feeBps ?? getConfig().PLATFORM_FEE_BPS;
  const plan = planIntent(input, loaded, store, feeBps);
  const intent = await create(plan.params, input.idempotencyKey);
  if (!intent.client_secret) throw stripeFailure(new Error(`payment intent ${intent.id} has no client_secret`));
  await recordIntentOrder(db, intent.id, plan, store);
  return {
    clientSecret: intent.client_secret,
    paymentIntentId: intent.id,
    amountTotal: intent.amount,
    applicationFeeAmount: intent.application_fee_amount ?? null,
    currency: intent.currency,
    publishableKey,
  };
}

/** Checked before anything is created: without it the caller could not show Elements. */
function publishableKeyFor(): string {
  if (stripeMode() === 'emulator') return getConfig().STRIPE_PUBLISHABLE_KEY ?? EMULATOR_PUBLISHABLE_KEY;
  return requireConfig('STRIPE_PUBLISHABLE_KEY');
}

async function create(params: Stripe.PaymentIntentCreateParams, idempotencyKey: string | null): Promise<Stripe.PaymentIntent> {
  try {
    return await getStripe().paymentIntents.create(params, stripeIdempotencyKey('create-intent', idempotencyKey));
  } catch (err) {
    if (err instanceof Stripe.errors.StripeIdempotencyError) {
      throw new ApiError('conflict', 'This Idempotency-Key was already used for a different purchase; send a new key.');
    }
    // Stripe's limits on a charge's size (they vary by currency): the cart's fault, not Stripe's.
    if (err instanceof Stripe.errors.StripeInvalidRequestError && (err.code === 'amount_too_large' || err.code === 'amount_too_small')) {
      throw new ApiError('invalid_request', `The total is outside what Stripe can charge in this currency (${err.code}).`);
    }
    throw stripeFailure(err);
  }
}
