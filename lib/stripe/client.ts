import Stripe from 'stripe';
import { getConfig } from '../config/index.js';

// Pinned in one place. Create webhook endpoints with this same version: Stripe renders
// payloads in the endpoint's version, not the SDK's.
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;

/** Where `npm run dev` and the tests run the emulator (local/stripe-emulator) by default. */
export const EMULATOR_DEFAULT_BASE = 'http://127.0.0.1:12111';
const EMULATOR_KEY = 'sk_test_emulator';

export type StripeMode = 'live' | 'test' | 'emulator';

export function stripeMode(): StripeMode {
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = getConfig();
  if (!STRIPE_SECRET_KEY || STRIPE_API_BASE) return 'emulator';
  return STRIPE_SECRET_KEY.includes('_live_') ? 'live' : 'test';
}

let client: Stripe | undefined;

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
