import { createHmac, timingSafeEqual } from 'node:crypto';
import { requireConfig } from '../config/index.js';
import { ApiError } from '../http/errors.js';

/**
 * The `state` that authorises the onboarding refresh, return and login-link routes: which
 * account and store it is for and until when, signed with HMAC-SHA256. Stripe hands it back
 * to us on the redirect; an account id alone would let anyone refresh or enter any seller's
 * dashboard. Format: base64url(JSON payload) "." base64url(MAC).
 */
export interface OnboardingState {
  accountId: string;
  storeSlug: string;
  /** Unix seconds. */
  exp: number;
}

// Long enough for a seller to come back the next day to the same onboarding email or tab.
export const STATE_TTL_SECONDS = 24 * 60 * 60;

export function signState(claims: { accountId: string; storeSlug: string }, now = Date.now()): string {
  const payload: OnboardingState = { ...claims, exp: Math.floor(now / 1000) + STATE_TTL_SECONDS };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(body)}`;
}

/** The claims of a valid, unexpired state; anything else is a 401 that says nothing more. */
export function verifyState(state: string | null | undefined, now = Date.now()): OnboardingState {
  const secret = requireConfig('STATE_SIGNING_SECRET'); // 503 before 401: a server problem is not the caller's
  const [body, sig, extra] = (state ?? '').split('.');
  if (!body || !sig || extra !== undefined) throw invalid();
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const claims = decode(body);
  if (!claims || claims.exp * 1000 <= now) throw invalid();
  return claims;
}

function mac(body: string, secret = requireConfig('STATE_SIGNING_SECRET')): string {
  return createHmac('sha256', secret).update(`onboarding-state.v1.${body}`).digest('base64url');
}

function decode(body: string): OnboardingState | null {
  try {
    const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<OnboardingState>;
    if (typeof v.accountId !== 'string' || typeof v.storeSlug !== 'string' || typeof v.exp !== 'number') return null;
    return { accountId: v.accountId, storeSlug: v.storeSlug, exp: v.exp };
  } catch {
    return null;
  }
}

function invalid(): ApiError {
  return new ApiError('unauthorized', 'This onboarding link is invalid or has expired; start again from the seller page.');
}
