// The store builder's names and slugs, and what the store's catalogue lists and sells.
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { connectOnboardingRoute } from '../../lib/connect/onboarding-route.js';
import { orders, stores } from '../../lib/db/schema.js';
import { storefrontRoute } from '../../lib/storefront/route.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { deliver, event } from '../webhook/support.js';
import { driver, jsonInit, sdkFor } from './support.js';

describe('store builder and store catalogue edges', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const storeOf = async (id: string) => (await app.db.select().from(stores).where(eq(stores.accountId, id)))[0];
  const connect = (e: object) => deliver(app, e, { secret: TEST_CONNECT_WEBHOOK_SECRET });
  const front = async (slug: string) => {
    const res = await app.call(storefrontRoute, `/api/stores/${encodeURIComponent(slug)}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const now = () => Math.floor(Date.now() / 1000);

  it('a store built before the seller has a business name never publishes the login email (name, slug, pages)', async () => {
    const account = await stripe.accounts.create({ country: 'US', email: 'jane.doe.login@private-mail.example' });
    const t = now() - 60;
    expect((await connect(event('account.updated', { account: account.id, created: t, data: { object: account } }))).status).toBe(200);
    const built = (await storeOf(account.id))!;
    const sf = await front(built.slug);
    expect(sf.status).toBe(200);
    const text = JSON.stringify(sf.body);
    expect(text).not.toContain('jane.doe.login@private-mail.example');
    expect(built.slug).not.toContain('jane-doe-login');

    // Onboarding later collects the business name: the public slug still carries the login email.
    const named = { ...account, business_profile: { ...account.business_profile, name: 'Jane Ceramics' } };
    expect((await connect(event('account.updated', { account: account.id, created: t + 10, data: { object: named } }))).status).toBe(200);
    const after = (await storeOf(account.id))!;
    expect(after.name).toBe('Jane Ceramics');
    expect(after.slug).not.toContain('jane-doe-login');
  });

  it('a store built from an account with neither name nor email does not publish the account id', async () => {
    const account = await stripe.accounts.create({ country: 'US' });
    expect((await connect(event('account.updated', { account: account.id, data: { object: account } }))).status).toBe(200);
    const built = (await storeOf(account.id))!;
    const sf = await front(built.slug);
    expect(sf.status).toBe(200);
    expect(JSON.stringify(sf.body)).not.toContain(account.id);
  });

  it('a metered usage price is not listed on the storefront as a fixed recurring price', async () => {
    const account = `acct_review_metered_${Date.now()}`;
    await connect(event('account.updated', { account, data: { object: { id: account, business_profile: { name: 'Meter Shop' } } } }));
    const store = (await storeOf(account))!;
    const product = event('product.created', { data: { object: { name: 'API calls', metadata: { store_account_id: account } } } });
    const metered = event('price.created', { data: { object: {
      product: product.data.object.id, metadata: {}, type: 'recurring', unit_amount: 5,
      recurring: { interval: 'month', interval_count: 1, usage_type: 'metered', meter: 'mtr_123' },
    } } });
    for (const e of [product, metered]) expect((await deliver(app, e)).status).toBe(200);
    const sf = await front(store.slug);
    expect(sf.body.products).toEqual([]);
  });

  it('a metered price is refused at checkout like an inactive one, and nothing is written', async () => {
    const product = await stripe.products.create({ name: 'Metered API' });
    const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 5, recurring: { interval: 'month', usage_type: 'metered' } });
    const res = await app.call(createCheckoutSessionRoute, '/api/create-checkout-session', jsonInit({ priceId: price.id }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('price_inactive');
    expect(await app.db.select().from(orders)).toEqual([]);
  });

  it('slugs fold Latin letters NFKD does not decompose (ß, æ, ø, ł) instead of splitting words', async () => {
    const res = await app.call(connectOnboardingRoute, '/api/connect-onboarding', jsonInit({ storeName: 'Straße Smørrebrød Łódź', email: 'de@example.com', country: 'DE' }));
    const out = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(out.storeSlug).toBe('strasse-smorrebrod-lodz');
  });

  it('a store_slug in account metadata that is not a valid slug still gives a reachable storefront', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Meta Slug Shop' }, metadata: { store_slug: 'Meta Slug Shop!' } });
    expect((await connect(event('account.updated', { account: account.id, data: { object: account } }))).status).toBe(200);
    const built = (await storeOf(account.id))!;
    expect(built.slug).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
    expect((await front(built.slug)).status).toBe(200);
  });

});
