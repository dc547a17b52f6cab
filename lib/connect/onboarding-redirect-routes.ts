import * as z from 'zod/mini';
import { getDb } from '../db/client.js';
import { parseQuery } from '../http/body.js';
import { redirect } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { signState, verifyState, type OnboardingState } from './state.js';
import { upsertStoreFromAccount } from './store-builder.js';
import { createDashboardLink, createOnboardingLink, retrieveAccount } from './stripe-calls.js';

// The three GET routes a seller's browser reaches from Stripe or from the store page. Each is
// authorised by the signed state alone: verify it, then act for exactly that account.
const stateQuery = z.object({ state: z.optional(z.string().check(z.maxLength(2048))) });

function authorise(req: Request, ctx: RouteContext): OnboardingState {
  const claims = verifyState(parseQuery(req, stateQuery).state);
  ctx.log.accountId = claims.accountId;
  return claims;
}

/**
 * Stripe sends the seller here when the link expired or was used: mint a new one, with a state
 * signed afresh from the verified one (a full TTL again; never a value that was not verified).
 */
async function refresh(req: Request, ctx: RouteContext): Promise<Response> {
  const claims = authorise(req, ctx);
  const url = await createOnboardingLink(claims.accountId, signState({ accountId: claims.accountId, storeSlug: claims.storeSlug }));
  ctx.log.outcome = 'link_refreshed';
  return redirect(url, 303);
}

/**
 * Returning from Stripe does not mean onboarding finished (the seller may have left early), so
 * the account is read back and the store updated from it before the seller sees their store.
 * The state rides in the fragment: browsers send neither fragments nor them in Referer.
 */
async function finish(req: Request, ctx: RouteContext): Promise<Response> {
  const claims = authorise(req, ctx);
  // The read is as new as the moment it started: an account.updated created while it was in
  // flight is newer, and a same-second tie is settled by reading again (applyOrdered).
  const readAt = Math.floor(Date.now() / 1000);
  const account = await retrieveAccount(claims.accountId);
  const store = await upsertStoreFromAccount(await getDb(), account, { eventCreated: readAt });
  const slug = store?.slug ?? claims.storeSlug;
  const state = signState({ accountId: claims.accountId, storeSlug: slug });
  ctx.log.outcome = account.details_submitted ? 'onboarded' : 'returned_incomplete';
  return redirect(`/store.html?slug=${encodeURIComponent(slug)}&onboarded=1#state=${encodeURIComponent(state)}`, 303);
}

/** A login link is single-use and short-lived, so it is minted only when the seller clicks. */
async function loginLink(req: Request, ctx: RouteContext): Promise<Response> {
  const claims = authorise(req, ctx);
  const url = await createDashboardLink(claims.accountId);
  ctx.log.outcome = 'login_link';
  return redirect(url, 303);
}

export const onboardingRefreshRoute = defineRoute({ path: '/api/connect-onboarding/refresh', methods: { GET: refresh } });
export const onboardingReturnRoute = defineRoute({ path: '/api/connect-onboarding/return', methods: { GET: finish } });
export const onboardingLoginLinkRoute = defineRoute({ path: '/api/connect-onboarding/login-link', methods: { GET: loginLink } });
