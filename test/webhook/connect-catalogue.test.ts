import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, prices, products, stores } from '../../lib/db/schema.js';
import { storefrontRoute } from '../../lib/storefront/route.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { as, deliver, driver, event, sdkFor } from './support.js';

describe('accounts, customers and catalogue: the rows each event leaves', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { PLATFORM_FEE_BPS: '300' } });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const storeOf = async (id: string) => (await app.db.select().from(stores).where(eq(stores.accountId, id)))[0];
  const connect = (e: object) => deliver(app, e, { secret: TEST_CONNECT_WEBHOOK_SECRET });

  it('account.updated builds the store: slug, pages, settings, status; later updates keep seller edits', async () => {
    const account = await stripe.accounts.create({ country: 'JP', email: 'seller@example.jp', business_profile: { name: 'Café Zoë', product_description: 'Coffee beans' } });
    expect((await connect(event('account.updated', { account: account.id, data: { object: account } }))).status).toBe(200);
    const built = (await storeOf(account.id))!;
    expect(built).toMatchObject({ slug: 'cafe-zoe', name: 'Café Zoë', email: 'seller@example.jp', country: 'JP', status: 'pending', chargesEnabled: false });
    expect(built.settings).toEqual({ currency: 'jpy', feeBps: 300 });
    expect(built.pages.map((p) => p.slug)).toEqual(['home', 'products', 'about', 'contact']);
    expect(built.pages[0]).toMatchObject({ title: 'Café Zoë', body: 'Coffee beans' });

    await app.db.update(stores).set({ name: 'Zoë Roasters', sellerEditedAt: new Date() }).where(eq(stores.accountId, account.id));
    await app.emulator!.completeOnboarding(account.id);
    const onboarded = await stripe.accounts.retrieve(account.id);
    await connect(event('account.updated', { account: account.id, created: built.lastEventAt! + 5, data: { object: onboarded } }));
    expect(await storeOf(account.id)).toMatchObject({ name: 'Zoë Roasters', status: 'active', chargesEnabled: true, payoutsEnabled: true, slug: 'cafe-zoe' });
  });

  it('a second seller with the same name gets a distinct slug; restricted when details submitted but disabled', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Café Zoë' } });
    const restricted = { ...account, details_submitted: true, charges_enabled: false, requirements: { ...account.requirements, disabled_reason: 'requirements.past_due' } };
    await connect(event('account.created', { account: account.id, data: { object: restricted } }));
    expect(await storeOf(account.id)).toMatchObject({ slug: `cafe-zoe-${account.id.slice(-6).toLowerCase()}`, status: 'restricted', disabledReason: 'requirements.past_due' });
  });

  it('account.application.authorized fetches the account; deauthorized marks the store disconnected', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Authorized Goods' } });
    const now = Math.floor(Date.now() / 1000);
    await connect(event('account.application.authorized', { account: account.id, created: now - 5 }));
    expect(await storeOf(account.id)).toMatchObject({ name: 'Authorized Goods', status: 'pending' });
    const res = await connect(event('account.application.deauthorized', { account: account.id, created: now }));
    expect(res.body).toEqual({ status: 'processed', reason: 'store disconnected' });
    expect(await storeOf(account.id)).toMatchObject({ status: 'disconnected', chargesEnabled: false });
    // A later account update does not silently reconnect it.
    await connect(event('account.updated', { account: account.id, created: now + 1, data: { object: account } }));
    expect((await storeOf(account.id))!.status).toBe('disconnected');
  });

  it('v2.core.account.created (thin) fetches the account and builds the store', async () => {
    const account = await stripe.accounts.create({ country: 'GB', business_profile: { name: 'Thin Tea' } });
    const res = await connect(event('v2.core.account.created', { related_object: { id: account.id } }));
    expect(res.body).toEqual({ status: 'processed', reason: 'store pending' });
    expect(await storeOf(account.id)).toMatchObject({ slug: 'thin-tea', settings: { currency: 'gbp', feeBps: 300 } });
  });

  it('customer.created/.updated/.deleted upsert one row; a Connect customer lands on its store', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Customer Shop' } });
    await connect(event('account.updated', { account: account.id, data: { object: account } }));
    const created = event('customer.created', { account: account.id });
    const id = created.data.object.id;
    await connect(created);
    await connect(event('customer.updated', { account: account.id, created: created.created + 1, data: { object: { id, email: 'new@example.com' } } }));
    const row = (await app.db.select().from(customers).where(eq(customers.stripeId, id)))[0]!;
    expect(row).toMatchObject({ email: 'new@example.com', name: 'Demo Shopper', deleted: false, accountId: account.id });
    await connect(event('customer.deleted', { account: account.id, created: created.created + 2, data: { object: { id } } }));
    expect(await app.db.select().from(customers).where(eq(customers.stripeId, id))).toEqual([expect.objectContaining({ deleted: true })]);
  });

  const storefront = async (slug: string) =>
    ((await (await app.call(storefrontRoute, `/api/stores/${slug}`)).json()) as { products: Array<{ id: string; prices: Array<{ id: string }> }> }).products;

  it('a platform product tagged metadata.store_account_id is that store\'s, and so is its untagged price, whichever event comes first', async () => {
    const account = 'acct_tagged_catalogue';
    await connect(event('account.updated', { account, data: { object: { id: account } } }));
    const store = (await storeOf(account))!;
    const tagged = () => event('product.created', { data: { object: { metadata: { store_account_id: account } } } });
    const priceOf = (product: { data: { object: { id: string } } }) => event('price.created', { data: { object: { product: product.data.object.id, metadata: {} } } });
    const [first, second] = [tagged(), tagged()];
    const [firstPrice, secondPrice] = [priceOf(first), priceOf(second)];
    // Stripe sends a product and its default price at the same moment: either may land first.
    for (const e of [first, firstPrice, secondPrice, second]) expect((await deliver(app, e)).status).toBe(200);
    expect((await app.db.select().from(products).where(eq(products.stripeId, second.data.object.id)))[0]).toMatchObject({ accountId: account });
    expect((await app.db.select().from(prices).where(eq(prices.stripeId, secondPrice.data.object.id)))[0]).toMatchObject({ accountId: null });
    const platform = event('product.created');
    await deliver(app, platform);
    expect((await app.db.select().from(products).where(eq(products.stripeId, platform.data.object.id)))[0]!.accountId).toBeNull();
    expect((await storefront(store.slug)).map((p) => [p.id, p.prices.map((x) => x.id)]).sort()).toEqual([
      [first.data.object.id, [firstPrice.data.object.id]],
      [second.data.object.id, [secondPrice.data.object.id]],
    ].sort());
  });

  it('a quarterly price reaches the storefront as every 3 months, not monthly', async () => {
    const account = 'acct_quarterly_catalogue';
    await connect(event('account.updated', { account, data: { object: { id: account } } }));
    const store = (await storeOf(account))!;
    const product = event('product.created', { data: { object: { metadata: { store_account_id: account } } } });
    const price = event('price.created', { data: { object: {
      product: product.data.object.id, metadata: {}, type: 'recurring', unit_amount: 3000,
      recurring: { interval: 'month', interval_count: 3, usage_type: 'licensed' },
    } } });
    for (const e of [product, price]) expect((await deliver(app, e)).status).toBe(200);
    const listed = ((await (await app.call(storefrontRoute, `/api/stores/${store.slug}`)).json()) as {
      products: Array<{ prices: Array<{ recurring: unknown }> }>;
    }).products;
    expect(listed[0]!.prices[0]!.recurring).toEqual({ interval: 'month', intervalCount: 3 });
  });

  it("a connected account's product, price and customer seen before any account event are its store's once the store is built", async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Early Catalogue Co' } });
    const t = Math.floor(Date.now() / 1000) - 30;
    const product = event('product.created', { account: account.id, created: t, data: { object: { name: 'Early Mug' } } });
    const price = event('price.created', { account: account.id, created: t, data: { object: { product: product.data.object.id, metadata: {} } } });
    const customer = event('customer.created', { account: account.id, created: t });
    for (const e of [product, price, customer]) expect((await connect(e)).status).toBe(200);
    expect(await storeOf(account.id)).toBeUndefined();
    expect((await connect(event('account.updated', { account: account.id, created: t + 1, data: { object: account } }))).status).toBe(200);
    const store = (await storeOf(account.id))!;
    expect(await storefront(store.slug)).toEqual([expect.objectContaining({ id: product.data.object.id, prices: [expect.objectContaining({ id: price.data.object.id })] })]);
    expect((await app.db.select().from(customers).where(eq(customers.stripeId, customer.data.object.id)))[0]).toMatchObject({ accountId: account.id });
  });

  it('product.* and price.* upsert the catalogue; deleted ones become inactive; JPY stays in yen', async () => {
    const p = event('product.created');
    const id = p.data.object.id;
    await deliver(app, p);
    await deliver(app, event('product.updated', { created: p.created + 1, data: { object: { id, name: 'Renamed' } } }));
    expect(await app.db.select().from(products).where(eq(products.stripeId, id))).toEqual([expect.objectContaining({ name: 'Renamed', active: true })]);
    await deliver(app, as('product.deleted', event('product.updated', { created: p.created + 2, data: { object: { id, name: 'Renamed' } } })));
    expect((await app.db.select().from(products).where(eq(products.stripeId, id)))[0]!.active).toBe(false);

    const price = event('price.created', { data: { object: { product: id, currency: 'jpy', unit_amount: 1500 } } });
    const pid = price.data.object.id;
    await deliver(app, price);
    expect(await app.db.select().from(prices).where(eq(prices.stripeId, pid))).toEqual([expect.objectContaining({ currency: 'jpy', unitAmount: 1500, type: 'one_time', productStripeId: id })]);
    await deliver(app, as('price.updated', event('price.created', { created: price.created + 1, data: { object: { ...price.data.object, unit_amount: 2000 } } })));
    await deliver(app, as('price.deleted', event('price.created', { created: price.created + 2, data: { object: { ...price.data.object, unit_amount: 2000 } } })));
    expect(await app.db.select().from(prices).where(eq(prices.stripeId, pid))).toEqual([expect.objectContaining({ unitAmount: 2000, active: false })]);
  });
});
