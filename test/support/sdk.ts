import Stripe from 'stripe';
import type { StripeEmulator } from '../../local/stripe-emulator/index.js';

/** The real Stripe SDK pointed at an emulator; no retries, so a failing call fails at once. */
export function sdkFor(emu: StripeEmulator, key = emu.secretKey, maxNetworkRetries = 0): Stripe {
  return new Stripe(key, { host: emu.host, port: emu.port, protocol: 'http', maxNetworkRetries, httpClient: Stripe.createFetchHttpClient() });
}
