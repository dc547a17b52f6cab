import Stripe from 'stripe';
import { stripeFailure } from '../catalogue/price-lookup.js';
import { requireConfig } from '../config/index.js';
import { ApiError } from '../http/errors.js';
import { getStripe, stripeIdempotencyKey } from '../stripe/client.js';
import type { OnboardingBody } from './onboarding-request.js';

export const PLATFORM_TAG = 'stripe-serverless-payments';

/**
 * An Express account in the `controller` form that replaced `type: 'express'`: the platform
 * pays Stripe's fees and carries negative balances, Stripe hosts onboarding and the Express
 * dashboard. https://docs.stripe.com/connect/migrate-to-controller-properties
 */
export async function createExpressAccount(
  body: OnboardingBody,
  storeSlug: string,
  idempotencyKey: string | null,
): Promise<Stripe.Account> {
  const params: Stripe.AccountCreateParams = {
    controller: {
      fees: { payer: 'application' },
      losses: { payments: 'application' },
      stripe_dashboard: { type: 'express' },
    },
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    country: body.country,
    email: body.email,
    business_profile: { name: body.storeName },
    // Links the account back to us; the store builder wants this slug whichever side writes first.
    metadata: { store_slug: storeSlug, platform: PLATFORM_TAG },
  };
  if (body.businessType) params.business_type = body.businessType;
  return call(() => getStripe().accounts.create(params, stripeIdempotencyKey('onboarding', idempotencyKey)));
}

/** A fresh single-use onboarding link (Stripe expires them within minutes, hence no caching). */
export async function createOnboardingLink(accountId: string, state: string): Promise<string> {
  const base = requireConfig('PUBLIC_BASE_URL').replace(/\/+$/, '');
  const q = `state=${encodeURIComponent(state)}`;
  const link = await call(() =>
    getStripe().accountLinks.create({
      account: accountId,
      type: 'account_onboarding',
      refresh_url: `${base}/api/connect-onboarding/refresh?${q}`,
      return_url: `${base}/api/connect-onboarding/return?${q}`,
    }),
  );
  return link.url;
}

export async function retrieveAccount(accountId: string): Promise<Stripe.Account> {
  return call(() => getStripe().accounts.retrieve(accountId));
}

/** The Express dashboard, for a seller who has finished onboarding (Stripe refuses before). */
export async function createDashboardLink(accountId: string): Promise<string> {
  try {
    return (await getStripe().accounts.createLoginLink(accountId)).url;
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError) {
      throw new ApiError('conflict', 'The Stripe dashboard opens once onboarding is complete; finish onboarding first.');
    }
    throw stripeFailure(err);
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeIdempotencyError) {
      throw new ApiError('conflict', 'This Idempotency-Key was already used for a different request; send a new key.');
    }
    throw stripeFailure(err);
  }
}
