// The seller's side of Connect after sign-up: the return route's snapshot time, refreshed states, repeated ?state=.
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOnboardingRoute as route } from '../../lib/connect/onboarding-route.js';
import { onboardingRefreshRoute, onboardingReturnRoute } from '../../lib/connect/onboarding-redirect-routes.js';
import { signState, STATE_TTL_SECONDS } from '../../lib/connect/state.js';
import { stores } from '../../lib/db/schema.js';
import { getStripe } from '../../lib/stripe/client.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { deliver, event } from '../webhook/support.js';
import { driver, jsonInit, sdkFor } from './support.js';

const PATH = '/api/connect-onboarding';
const seller = { storeName: 'Returning Seller Shop', email: 'seller@example.com', country: 'US' };

describe('seller redirects after sign-up', () => {
  let app: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const storeOf = async (accountId: string) => (await app.db.select().from(stores).where(eq(stores.accountId, accountId)))[0];
  const onboard = async (storeName: string) => {
    const res = await app.call(route, PATH, jsonInit({ ...seller, storeName }));
    expect(res.status).toBe(200);
    return (await res.json()) as { accountId: string; storeSlug: string; url: string };
  };
  /** The state Stripe would hand back on the link's refresh_url (the emulator's "abandon"). */
  const stateOnLink = async (linkUrl: string) => {
    const res = await fetch(linkUrl, { method: 'POST', body: new URLSearchParams({ action: 'abandon' }), redirect: 'manual' });
    return new URL(res.headers.get('location')!).searchParams.get('state')!;
  };
  const claimsOf = (state: string) => JSON.parse(Buffer.from(state.split('.')[0]!, 'base64url').toString('utf8'));

  // SPEC webhook promise 6 ("a stale event never undoes a newer one") and the route's own comment
  // ("Read just now: as new as an event created now"). The snapshot is stamped with the time of
  // the write, taken after the Stripe read returns, so an account.updated created while the read
  // was in flight (Stripe flips charges_enabled right as the seller comes back) is overwritten.
  it('return: an account.updated created during the account read is not undone by the older snapshot', async () => {
    const out = await onboard('Race Return Shop');
    const client = getStripe();
    const accounts = client.accounts as unknown as { retrieve: (...a: unknown[]) => Promise<Stripe.Account> };
    const original = accounts.retrieve;
    accounts.retrieve = async function (this: unknown, ...args: unknown[]) {
      accounts.retrieve = original;
      const snapshot = await original.apply(this, args); // taken before onboarding completes: pending
      await app.emulator!.completeOnboarding(out.accountId);
      const now = await stripe.accounts.retrieve(out.accountId);
      const delivered = await deliver(app, event('account.updated', {
        account: out.accountId, created: Math.floor(Date.now() / 1000), data: { object: now },
      }), { secret: TEST_CONNECT_WEBHOOK_SECRET });
      expect(delivered.status).toBe(200);
      expect((await storeOf(out.accountId))!.status).toBe('active');
      // The read's response arrives in the next second (ordinary API latency).
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 50));
      return snapshot;
    };
    try {
      const state = signState({ accountId: out.accountId, storeSlug: out.storeSlug });
      const res = await app.call(onboardingReturnRoute, `/api/connect-onboarding/return?state=${encodeURIComponent(state)}`);
      expect(res.status).toBe(303);
    } finally {
      accounts.retrieve = original;
    }
    expect(await storeOf(out.accountId)).toMatchObject({ status: 'active', chargesEnabled: true });
  });

  // The refresh route mints a new onboarding link but puts the *old* state in its refresh and
  // return URLs, so the new link's return dies at the first state's expiry: a seller who opens
  // the onboarding email the next day (the TTL's stated purpose) and takes a while at Stripe
  // comes back to a 401 and "start again", which creates a second account.
  it('refresh: the new link carries a state valid for a fresh TTL, not the nearly-expired one', async () => {
    const out = await onboard('Late Refresh Shop');
    const old = signState({ accountId: out.accountId, storeSlug: out.storeSlug }, Date.now() - (STATE_TTL_SECONDS - 300) * 1000);
    const res = await app.call(onboardingRefreshRoute, `/api/connect-onboarding/refresh?state=${encodeURIComponent(old)}`);
    expect(res.status).toBe(303);
    const next = await stateOnLink(res.headers.get('location')!);
    expect(claimsOf(next).exp).toBeGreaterThan(Math.floor(Date.now() / 1000) + 60 * 60);
  });

  // "Verify it, then act for exactly that account": the query is parsed last-value-wins for
  // verification (Object.fromEntries) but the state written into the new link is read
  // first-value-wins (searchParams.get), so an unverified string is propagated.
  it('refresh: the state put into the new link is the one that was verified (repeated ?state=)', async () => {
    const out = await onboard('Twin State Shop');
    const good = signState({ accountId: out.accountId, storeSlug: out.storeSlug });
    const res = await app.call(onboardingRefreshRoute, `/api/connect-onboarding/refresh?state=not-a-state&state=${encodeURIComponent(good)}`);
    if (res.status === 303) expect(await stateOnLink(res.headers.get('location')!)).toBe(good);
    else expect(res.status).toBeGreaterThanOrEqual(400);
  });
});
