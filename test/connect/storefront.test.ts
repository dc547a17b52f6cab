import type Stripe from 'stripe';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prices, stores } from '../../lib/db/schema.js';
import { storefrontRoute as route } from '../../lib/storefront/route.js';
import { upsertStoreFromAccount } from '../../lib/connect/store-builder.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { DEMO_PAGES, driver, expectError, expressAccount, insertStore, sdkFor, storePrice } from './support.js';

describe('GET /api/stores/:slug', () => {
  let app: TestApp;
  let stripe: Stripe;
  let accountId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
    accountId = (await expressAccount(stripe, app.emulator!)).id;
    const store = await insertStore(app.db, { slug: 'kiln', accountId, status: 'active', feeBps: 333, currency: 'eur' });
    const other = await insertStore(app.db, { slug: 'other', accountId: 'acct_other000000000', status: 'active' });
    ids.bowl = await storePrice(stripe, app.db, store.accountId, { name: 'Bowl', currency: 'eur', amount: 1800 });
    ids.club = await storePrice(stripe, app.db, store.accountId, { name: 'Club', currency: 'eur', amount: 500, monthly: true });
    ids.gone = await storePrice(stripe, app.db, store.accountId, { name: 'Gone', currency: 'eur', amount: 100, active: false });
    ids.foreign = await storePrice(stripe, app.db, other.accountId, { name: 'Not ours', currency: 'usd', amount: 100 });
    ids.platform = await storePrice(stripe, app.db, null, { name: 'Platform', currency: 'usd', amount: 100 });
  });
  afterAll(() => app.stop());

  const get = (slug: string) => app.call(route, `/api/stores/${slug}`, { method: 'GET' });

  it('returns the public pages and the active products with their prices, cacheable', async () => {
    const res = await get('kiln');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30, s-maxage=60, stale-while-revalidate=300');
    const body = (await res.json()) as { store: unknown; products: Array<{ name: string; prices: Array<{ id: string }> }> };
    expect(body.store).toEqual({ slug: 'kiln', name: 'Store kiln', status: 'active', currency: 'eur', pages: DEMO_PAGES });
    expect(body.products.map((p) => p.name)).toEqual(['Bowl', 'Club']);
    expect(body.products[0]).toMatchObject({
      description: 'Bowl, handmade.',
      images: [],
      prices: [{ id: ids.bowl, unitAmount: 1800, currency: 'eur', recurring: null }],
    });
    expect(body.products[1]!.prices).toEqual([{ id: ids.club, unitAmount: 500, currency: 'eur', recurring: { interval: 'month', intervalCount: 1 } }]);
  });

  it('leaks no private field anywhere in the JSON', async () => {
    const body = await (await get('kiln')).json();
    const keys: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (keys.push(k), walk(x));
    };
    walk(body);
    const forbidden = /^(email|accountId|account_id|account|charges.*|payouts.*|capabilities|disabledReason|settings|fee.*|feeBps|applicationFee.*|country|id_?internal|storeId|store_id|sellerEditedAt|lastEventAt)$/i;
    expect(keys.filter((k) => forbidden.test(k))).toEqual([]);
    const text = JSON.stringify(body);
    expect(text).not.toContain('seller@example.com');
    expect(text).not.toContain(accountId);
    expect(text).not.toContain('333');
  });

  it('publishes the support email of a store built from its account, never the login email', async () => {
    const account = await stripe.accounts.create({
      controller: { stripe_dashboard: { type: 'express' }, fees: { payer: 'application' }, losses: { payments: 'application' } },
      country: 'DE',
      email: 'login-only@example.com',
      business_profile: { name: 'Glaze Works', support_email: 'help@glaze.example' },
    });
    const built = await upsertStoreFromAccount(app.db, account, { eventCreated: null });
    const text = JSON.stringify(await (await get(built!.slug)).json());
    expect(text).toContain('help@glaze.example');
    expect(text).not.toContain('login-only@example.com');
  });

  it('an unknown slug is 404, and so is a malformed one', async () => {
    await expectError(await get('no-such-store'), 404, 'not_found');
    await expectError(await get('Not%20A%20Slug'), 404, 'not_found');
    expect((await get('no-such-store')).headers.get('cache-control')).toBe('no-store');
  });

  it('a price archived later disappears, and a product without prices is not listed', async () => {
    await app.db.update(prices).set({ active: false }).where(eq(prices.stripeId, ids.club!));
    const body = (await (await get('kiln')).json()) as { products: Array<{ name: string }> };
    expect(body.products.map((p) => p.name)).toEqual(['Bowl']);
  });

  it('refuses POST with 405', async () => {
    await expectError(await app.call(route, '/api/stores/kiln', { method: 'POST' }), 405, 'method_not_allowed');
  });
});
