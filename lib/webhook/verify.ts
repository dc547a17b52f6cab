import Stripe from 'stripe';
import { requireConfig } from '../config/index.js';
import { ApiError } from '../http/errors.js';
import { getStripe } from '../stripe/client.js';
import type { IncomingEvent, ThinEvent } from './types.js';

/**
 * Verifies the raw body against every configured signing secret (platform and Connect
 * endpoints have their own, and a rotation overlaps two) with Stripe's default 300 s
 * tolerance. Thin v2 notifications are verified by the SDK's own parser. Anything that is not
 * a signed Stripe event is a 400 `invalid_signature`; nothing is stored for it.
 */
export async function verifyEvent(raw: string, signature: string | null): Promise<IncomingEvent> {
  const secrets = requireConfig('STRIPE_WEBHOOK_SECRET');
  if (!signature) throw invalid('The Stripe-Signature header is missing.');
  const stripe = getStripe();
  const thin = isThinPayload(raw);
  for (const secret of secrets) {
    try {
      if (thin) {
        await stripe.parseEventNotificationAsync(raw, signature, secret);
        return checkShape(JSON.parse(raw) as ThinEvent);
      }
      return checkShape(await stripe.webhooks.constructEventAsync(raw, signature, secret));
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) continue;
      if (err instanceof ApiError) throw err;
      throw invalid('The signed body is not a Stripe event.');
    }
  }
  throw invalid('No signature matches a configured webhook secret, or the timestamp is too old.');
}

function isThinPayload(raw: string): boolean {
  // Cheap test first: a v1 event (nearly all traffic) is parsed once, by the SDK.
  if (!raw.includes('v2.core.event')) return false;
  try {
    return (JSON.parse(raw) as { object?: unknown } | null)?.object === 'v2.core.event';
  } catch {
    return false;
  }
}

function checkShape<T extends IncomingEvent>(event: T): T {
  const e = event as { id?: unknown; type?: unknown; created?: unknown; object?: unknown };
  // v1 events carry unix seconds, thin (v2) events an ISO 8601 time: the event row needs it.
  const created = e.object === 'v2.core.event'
    ? typeof e.created === 'string' && Number.isFinite(Date.parse(e.created))
    : Number.isSafeInteger(e.created);
  if (typeof e.id !== 'string' || typeof e.type !== 'string' || !created) {
    throw invalid('The signed body is not a Stripe event.');
  }
  return event;
}

function invalid(message: string): ApiError {
  return new ApiError('invalid_signature', message);
}
