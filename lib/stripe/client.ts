import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { getConfig } from '../config/index.js';
import { EMULATOR_DEFAULT_BASE, stripeMode } from './mode.js';

// Pinned in one place. Create webhook endpoints with this same version: Stripe renders
// payloads in the endpoint's version, not the SDK's.
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;

const EMULATOR_KEY = 'sk_test_emulator';

// The mode needs no SDK: it lives in mode.ts so that health does not load `stripe`.
export { EMULATOR_DEFAULT_BASE, stripeMode, type StripeMode } from './mode.js';

let client: Stripe | undefined;

/** Stripe's answer for an object that does not exist, or no longer does (a deleted product). */
export function isMissing(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing';
}

/**
 * A client's Idempotency-Key as sent to Stripe: namespaced by route, so that one key never
 * collides with another route's, and hashed when that would pass Stripe's 255 characters.
 */
export function stripeIdempotencyKey(namespace: string, key: string | null): { idempotencyKey: string } | undefined {
  if (!key) return undefined;
  const plain = `${namespace}:${key}`;
  return { idempotencyKey: plain.length <= 255 ? plain : `${namespace}:sha256:${createHash('sha256').update(key).digest('hex')}` };
}

export function getStripe(): Stripe {
  client ??= create();
  return client;
}

export function resetStripe(): void {
  client = undefined;
}

function create(): Stripe {
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = getConfig();
  const options: Stripe.StripeConfig = {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2, // GETs and idempotent POSTs only; retried with backoff by the SDK
    timeout: 10_000,
    httpClient: Stripe.createFetchHttpClient(),
    appInfo: { name: 'stripe-serverless-payments' },
  };
  if (stripeMode() === 'emulator') {
    const base = new URL(STRIPE_API_BASE ?? EMULATOR_DEFAULT_BASE);
    options.host = base.hostname;
    options.port = base.port || (base.protocol === 'https:' ? 443 : 80);
    options.protocol = base.protocol.replace(':', '') as 'http' | 'https';
  }
  return new Stripe(STRIPE_SECRET_KEY ?? EMULATOR_KEY, options);
}
