import { createHash } from 'node:crypto';
import { requireConfig } from '../config/index.js';
import { getDb } from '../db/client.js';
import { checkOrigin, preflight } from '../http/cors.js';
import { json, redirect } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { limitByAddress } from '../kv/rate-limit.js';
import { parseOnboardingRequest, type OnboardingRequest } from './onboarding-request.js';
import { signState } from './state.js';
import { ensurePendingStore } from './store-builder.js';
import { createExpressAccount, createOnboardingLink } from './stripe-calls.js';
import { slugify } from './store-slug.js';

// POST /api/connect-onboarding: a seller signs up from public/sell.html (fetch or plain form).
// Origin, parse, limit, then: account at Stripe → pending store here → onboarding link.
async function post(req: Request, ctx: RouteContext): Promise<Response> {
  ctx.headers = checkOrigin(req);
  const input = await parseOnboardingRequest(req);
  await limitByAddress('onboarding', ctx.ip);
  // Both are needed after the account exists; a 503 must come before Stripe is called.
  requireConfig('STATE_SIGNING_SECRET');
  requireConfig('PUBLIC_BASE_URL');
  const key = input.idempotencyKey ?? (input.kind === 'form' ? formSubmitKey(input, ctx.ip) : null);
  const account = await createExpressAccount(input, slugify(input.storeName), key);
  // Written now, so the seller's store exists before any webhook; a replayed key returns the
  // same account and finds the same store.
  const store = await ensurePendingStore(await getDb(), {
    accountId: account.id,
    name: input.storeName,
    email: input.email,
    country: input.country,
  });
  const state = signState({ accountId: account.id, storeSlug: store.slug });
  const url = await createOnboardingLink(account.id, state);
  ctx.log.outcome = 'account_created';
  ctx.log.accountId = account.id;
  if (input.kind === 'form') return redirect(url, 303);
  return json({ accountId: account.id, storeSlug: store.slug, url });
}

/**
 * A plain HTML form (no JavaScript to add an Idempotency-Key) submitted twice creates one
 * account: the same fields from the same address within the same ten minutes make the same key.
 * Scoped to the address so that someone else's submission of a seller's details never hands
 * them the seller's account. No address known, no key.
 */
function formSubmitKey(input: OnboardingRequest, ip: string | null): string | null {
  if (!ip) return null;
  const window = Math.floor(Date.now() / 600_000);
  const fields = [ip, input.storeName, input.email, input.country, input.businessType ?? '', window];
  return `form-${createHash('sha256').update(JSON.stringify(fields)).digest('hex')}`;
}

export const connectOnboardingRoute = defineRoute({
  path: '/api/connect-onboarding',
  methods: { POST: post, OPTIONS: (req) => preflight(req) },
});
