// The store builder's naming rules: slugs stay put across identical snapshots (no flip-flop with the
// account's own row), a seller's email as the store name, a seller-edited name.
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOnboardingRoute } from '../../lib/connect/onboarding-route.js';
import { stores } from '../../lib/db/schema.js';
import { storefrontRoute } from '../../lib/storefront/route.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { deliver, event } from '../webhook/support.js';
import { driver, jsonInit, sdkFor } from './support.js';

describe('store naming rules', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const storeOf = async (id: string) => (await app.db.select().from(stores).where(eq(stores.accountId, id)))[0]!;
  const connect = (e: object) => deliver(app, e, { secret: TEST_CONNECT_WEBHOOK_SECRET });
  const front = async (slug: string) => (await app.call(storefrontRoute, `/api/stores/${encodeURIComponent(slug)}`)).status;
  const now = () => Math.floor(Date.now() / 1000);
  let n = 0;
  const acct = () => `acct_1Rv${Date.now().toString(36)}${(n++).toString(36)}Q${Math.random().toString(36).slice(2, 8)}`;
  const snapshot = (account: string, created: number, object: object) =>
    connect(event('account.updated', { account, created, data: { object: { id: account, ...object } } }));

  it('a business named without Latin letters keeps one slug across its snapshots (no flip-flop)', async () => {
    const account = await stripe.accounts.create({ country: 'US', email: 'shop@example.ru' });
    const id = account.id;
    const t = now() - 600;
    expect((await snapshot(id, t, { ...account })).status).toBe(200);
    const unnamed = await storeOf(id);
    expect(unnamed.slug).toBe(`store-${id.slice(-6).toLowerCase()}`);

    const slugs: string[] = [];
    for (let i = 1; i <= 3; i++) {
      expect((await snapshot(id, t + i * 10, { ...account, business_profile: { ...account.business_profile, name: 'Магазин' } })).status).toBe(200);
      slugs.push((await storeOf(id)).slug);
    }
    // Nothing about the store's name or slug changed between these snapshots.
    expect(slugs).toEqual([unnamed.slug, unnamed.slug, unnamed.slug]);
    expect(await front(unnamed.slug)).toBe(200);
  });

  it('a seller-edited store whose name equals its email keeps one slug across identical snapshots', async () => {
    const id = acct();
    const t = now() - 600;
    const email = `owner${n}@example.com`;
    expect((await snapshot(id, t, { email, business_profile: { name: 'Acme Goods' } })).status).toBe(200);
    const before = (await storeOf(id)).slug;
    // The seller names the store after their contact address themselves.
    await app.db.update(stores).set({ name: email, sellerEditedAt: new Date() }).where(eq(stores.accountId, id));
    const slugs: string[] = [];
    for (let i = 1; i <= 3; i++) {
      expect((await snapshot(id, t + i * 10, { email, business_profile: { name: 'Acme Goods' } })).status).toBe(200);
      slugs.push((await storeOf(id)).slug);
    }
    expect(slugs).toEqual([before, before, before]);
    expect((await storeOf(id)).name).toBe(email);
  });

  it('a seller who typed their email as the store name keeps that name and the slug onboarding returned', async () => {
    const email = `maker${Date.now()}@example.com`;
    const res = await app.call(connectOnboardingRoute, '/api/connect-onboarding', jsonInit({ storeName: email, email, country: 'US' }));
    expect(res.status).toBe(200);
    const out = (await res.json()) as any;
    const account = await stripe.accounts.retrieve(out.accountId);
    // Stripe's first account.updated after sign-up (the business name is what the seller typed).
    expect((await snapshot(account.id, now(), { ...account })).status).toBe(200);
    const row = await storeOf(account.id);
    expect(row.name).toBe(email);
    expect(row.slug).toBe(out.storeSlug);
    expect(await front(out.storeSlug)).toBe(200);
  });
});
