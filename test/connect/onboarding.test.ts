import { createHmac, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOnboardingRoute as route } from '../../lib/connect/onboarding-route.js';
import {
  onboardingLoginLinkRoute, onboardingRefreshRoute, onboardingReturnRoute,
} from '../../lib/connect/onboarding-redirect-routes.js';
import { signState, STATE_TTL_SECONDS } from '../../lib/connect/state.js';
import { stores } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, expectError, freshIp, jsonInit, sdkFor } from './support.js';

const PATH = '/api/connect-onboarding';
const seller = { storeName: 'Blue Kiln Pottery', email: 'Potter@Example.com', country: 'us', businessType: 'individual' };

interface Onboarded {
  accountId: string;
  storeSlug: string;
  url: string;
}

describe('seller onboarding', () => {
  let app: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { ALLOWED_ORIGINS: 'https://market.example.com' } });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  async function onboard(body: unknown = seller, headers: Record<string, string> = {}): Promise<Onboarded> {
    const res = await app.call(route, PATH, jsonInit(body, headers));
    const json = (await res.json()) as Onboarded;
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json;
  }

  const stateOf = (url: string) => new URL(url).searchParams.get('state')!;
  const storeOf = async (accountId: string) => (await app.db.select().from(stores).where(eq(stores.accountId, accountId)))[0];

  it('creates an Express account (controller form), a pending store and an account link', async () => {
    const out = await onboard();
    expect(out.accountId).toMatch(/^acct_/);
    expect(out.storeSlug).toBe('blue-kiln-pottery');
    const account = await stripe.accounts.retrieve(out.accountId);
    expect(account.controller).toMatchObject({ fees: { payer: 'application' }, losses: { payments: 'application' }, stripe_dashboard: { type: 'express' } });
    expect(Object.keys(account.capabilities ?? {}).sort()).toEqual(['card_payments', 'transfers']);
    expect(account).toMatchObject({ country: 'US', email: 'potter@example.com', business_profile: { name: 'Blue Kiln Pottery' } });
    expect(account.metadata).toMatchObject({ store_slug: 'blue-kiln-pottery', platform: 'stripe-serverless-payments' });
    expect(await storeOf(out.accountId)).toMatchObject({ slug: out.storeSlug, status: 'pending', name: 'Blue Kiln Pottery', email: 'potter@example.com', country: 'US' });
    // The emulator's hosted page answers at the link; it sends the seller back with our state.
    expect(out.url).toContain(`${app.emulator!.url}/connect/onboarding/`);
    expect((await fetch(out.url)).status).toBe(200);
  });

  it('a form post is redirected to the link with 303', async () => {
    const res = await app.call(route, PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ storeName: 'Form Shop', email: 'f@example.com', country: 'GB', businessType: '' }).toString(),
      ip: freshIp(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/connect/onboarding/');
  });

  it('a plain form submitted twice (no Idempotency-Key, no JavaScript) makes one account; from another address, its own', async () => {
    const form = (ip: string) => app.call(route, PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ storeName: 'Double Form Shop', email: 'double@example.com', country: 'GB' }).toString(),
      ip,
    });
    const ip = freshIp();
    const [a, b] = await Promise.all([form(ip), form(ip)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const named = async () => (await app.db.select().from(stores).where(eq(stores.name, 'Double Form Shop'))).map((s) => s.accountId);
    expect(await named()).toHaveLength(1);
    expect((await form(freshIp())).status).toBe(303);
    expect(new Set(await named()).size).toBe(2);
  });

  it('honours Idempotency-Key: one account, one store', async () => {
    const key = randomUUID();
    const a = await onboard({ ...seller, storeName: 'Twice Shop' }, { 'idempotency-key': key });
    const b = await onboard({ ...seller, storeName: 'Twice Shop' }, { 'idempotency-key': key });
    expect(b.accountId).toBe(a.accountId);
    expect(b.storeSlug).toBe(a.storeSlug);
    expect(await app.db.select().from(stores).where(eq(stores.slug, a.storeSlug))).toHaveLength(1);
  });

  it('two sellers with one name get two slugs', async () => {
    const a = await onboard({ ...seller, storeName: 'Same Name' });
    const b = await onboard({ ...seller, storeName: 'Same Name' });
    expect(a.storeSlug).toBe('same-name');
    expect(b.storeSlug).not.toBe(a.storeSlug);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['an invalid country', { ...seller, country: 'XX' }, 'country'],
    ['a three-letter country', { ...seller, country: 'USA' }, 'country'],
    ['a missing email', { storeName: 'No Mail', country: 'US' }, 'email'],
    ['a malformed email', { ...seller, email: 'not-an-email' }, 'email'],
    ['a one-letter store name', { ...seller, storeName: 'A' }, 'storeName'],
    ['an 81-character store name', { ...seller, storeName: 'x'.repeat(81) }, 'storeName'],
    ['an unknown business type', { ...seller, businessType: 'pirate' }, 'businessType'],
  ];
  it.each(invalid)('refuses %s with 400 naming the field', async (_n, body, field) => {
    const res = await app.call(route, PATH, jsonInit(body));
    const err = (await expectError(res, 400, 'invalid_request')) as { message: string; fields?: Array<{ path: string }> };
    expect(err.fields?.map((f) => f.path)).toContain(field);
  });

  it('refuses a foreign origin before doing anything', async () => {
    await expectError(await app.call(route, PATH, jsonInit(seller, { origin: 'https://evil.example' })), 403, 'forbidden_origin');
    const ok = await app.call(route, PATH, jsonInit({ ...seller, storeName: 'Cors Shop' }, { origin: 'https://market.example.com' }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://market.example.com');
  });

  it('return: reads the account from Stripe, makes the store active, redirects to the storefront', async () => {
    const out = await onboard({ ...seller, storeName: 'Returning Shop' });
    const state = stateOf(await linkReturnUrl(out.url));
    // Before onboarding finished: still pending, and no dashboard yet.
    let res = await app.call(onboardingReturnRoute, `/api/connect-onboarding/return?state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(303);
    expect((await storeOf(out.accountId))!.status).toBe('pending');
    await expectError(await app.call(onboardingLoginLinkRoute, `/api/connect-onboarding/login-link?state=${encodeURIComponent(state)}`), 409, 'conflict');

    await app.emulator!.completeOnboarding(out.accountId);
    res = await app.call(onboardingReturnRoute, `/api/connect-onboarding/return?state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/store.html?slug=${out.storeSlug}&onboarded=1#state=${encodeURIComponent(state)}`);
    expect(await storeOf(out.accountId)).toMatchObject({ status: 'active', chargesEnabled: true, payoutsEnabled: true, slug: out.storeSlug });

    const login = await app.call(onboardingLoginLinkRoute, `/api/connect-onboarding/login-link?state=${encodeURIComponent(state)}`);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(`${app.emulator!.url}/connect/express/${out.accountId}`);
  });

  it('refresh: mints a new link for the same account', async () => {
    const out = await onboard({ ...seller, storeName: 'Refresh Shop' });
    const state = stateOf(await linkReturnUrl(out.url));
    const res = await app.call(onboardingRefreshRoute, `/api/connect-onboarding/refresh?state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(303);
    const next = res.headers.get('location')!;
    expect(next).toContain('/connect/onboarding/');
    expect(next).not.toBe(out.url);
    expect(await (await fetch(next)).text()).toContain(out.accountId);
  });

  describe('state', () => {
    const routes = [
      ['refresh', onboardingRefreshRoute],
      ['return', onboardingReturnRoute],
      ['login-link', onboardingLoginLinkRoute],
    ] as const;
    let good: string;
    let accountId: string;
    beforeAll(async () => {
      const out = await onboard({ ...seller, storeName: 'State Shop' });
      accountId = out.accountId;
      good = stateOf(await linkReturnUrl(out.url));
    });

    const tamper = (s: string) => {
      const [body, sig] = s.split('.');
      const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
      claims.accountId = 'acct_someoneelse0000';
      return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    };
    const cases: Array<[string, () => string]> = [
      ['missing', () => ''],
      ['garbage', () => 'not-a-state'],
      ['a tampered payload', () => tamper(good)],
      ['a flipped signature', () => good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA')],
      ['signed with another secret', () => `${good.split('.')[0]}.${createHmac('sha256', 'another-secret-0123456789').update(`onboarding-state.v1.${good.split('.')[0]}`).digest('base64url')}`],
      ['expired', () => signState({ accountId, storeSlug: 'state-shop' }, Date.now() - (STATE_TTL_SECONDS + 1) * 1000)],
      ['a bare account id', () => accountId],
    ];
    for (const [name, r] of routes) {
      it.each(cases)(`${name}: %s → 401`, async (_c, make) => {
        const res = await app.call(r, `/api/connect-onboarding/${name}?state=${encodeURIComponent(make())}`);
        await expectError(res, 401, 'unauthorized');
      });
    }

    it('control: a freshly signed state for the same account is accepted', async () => {
      const s = signState({ accountId, storeSlug: 'state-shop' });
      const res = await app.call(onboardingRefreshRoute, `/api/connect-onboarding/refresh?state=${encodeURIComponent(s)}`);
      expect(res.status).toBe(303);
    });
  });

  // The link's return_url carries the state we signed; read it as Stripe would redirect.
  async function linkReturnUrl(linkUrl: string): Promise<string> {
    const page = await fetch(linkUrl);
    expect(page.status).toBe(200);
    const res = await fetch(linkUrl, { method: 'POST', body: new URLSearchParams({ action: 'abandon' }), redirect: 'manual' });
    const refresh = res.headers.get('location')!;
    expect(refresh).toContain('/api/connect-onboarding/refresh?state=');
    return refresh;
  }
});
