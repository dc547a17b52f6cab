import { getConfig } from '../config/index.js';

// Stripe's mode from configuration alone, without loading the SDK: health and other cheap
// paths ask this, and only code that calls Stripe pays for `stripe` (see lib/stripe/client.ts).

/** Where `npm run dev` and the tests run the emulator (local/stripe-emulator) by default. */
export const EMULATOR_DEFAULT_BASE = 'http://127.0.0.1:12111';

export type StripeMode = 'live' | 'test' | 'emulator';

export function stripeMode(): StripeMode {
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = getConfig();
  if (!STRIPE_SECRET_KEY || STRIPE_API_BASE) return 'emulator';
  return STRIPE_SECRET_KEY.includes('_live_') ? 'live' : 'test';
}
