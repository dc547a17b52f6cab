import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../../local/stripe-emulator/index.js';
import { sdkFor } from './support.js';

let emu: StripeEmulator;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startStripeEmulator({ webhookUrl: null });
  stripe = sdkFor(emu);
});
afterAll(() => emu.close());

describe('catalogue', () => {
  it('serves the seeded products and prices', async () => {
    const price = await stripe.prices.retrieve('price_demo_mug_jpy', { expand: ['product'] });
    expect(price).toMatchObject({ object: 'price', unit_amount: 1500, currency: 'jpy', type: 'one_time', active: true, livemode: false });
    expect((price.product as Stripe.Product).name).toBe('Demo Mug');
    const membership = await stripe.prices.retrieve('price_demo_membership_monthly');
    expect(membership.recurring?.interval).toBe('month');
    const retired = await stripe.prices.retrieve('price_demo_retired');
    expect(retired.active).toBe(false);
    const product = await stripe.products.retrieve('prod_demo_tshirt');
    expect(product).toMatchObject({ name: 'Demo T-shirt', default_price: 'price_demo_tshirt_usd', active: true, images: [] });
  });

  it('filters prices by product and active', async () => {
    const byProduct = await stripe.prices.list({ product: 'prod_demo_poster' });
    expect(byProduct.data.map((p) => p.id)).toEqual(['price_demo_poster_eur']);
    const inactive = await stripe.prices.list({ active: false, limit: 100 });
    expect(inactive.data.map((p) => p.id)).toContain('price_demo_retired');
    expect(inactive.data.every((p) => !p.active)).toBe(true);
  });

  it('creates products and prices, emitting events with the request id', async () => {
    const product = await stripe.products.create({ name: 'Sticker', metadata: { sku: 's1' } });
    expect(product.id).toMatch(/^prod_/);
    const price = await stripe.prices.create({ product: product.id, unit_amount: 300, currency: 'usd', recurring: { interval: 'year' } });
    expect(price).toMatchObject({ type: 'recurring', unit_amount: 300, product: product.id });
    const events = await stripe.events.list({ types: ['product.created', 'price.created'], limit: 2 });
    expect(events.data.map((e) => e.type)).toEqual(['price.created', 'product.created']);
    expect((events.data[1]!.data.object as Stripe.Product).metadata).toEqual({ sku: 's1' });
    expect(events.data[0]!.request?.id).toMatch(/^req_/);
    expect(events.data[0]!.api_version).toBe(Stripe.API_VERSION);
  });

  it('paginates lists with has_more and starting_after', async () => {
    for (let i = 0; i < 3; i++) await stripe.products.create({ name: `Page ${i}` });
    const first = await stripe.products.list({ limit: 2 });
    expect(first.has_more).toBe(true);
    expect(first.data.map((p) => p.name)).toEqual(['Page 2', 'Page 1']);
    const second = await stripe.products.list({ limit: 2, starting_after: first.data[1]!.id });
    expect(second.data[0]!.name).toBe('Page 0');
    const back = await stripe.products.list({ limit: 1, ending_before: second.data[0]!.id });
    expect(back.data[0]!.name).toBe('Page 1');
    const all: string[] = [];
    for await (const p of stripe.products.list({ limit: 3 })) all.push(p.id);
    expect(all).toContain('prod_demo_retired');
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('errors', () => {
  it('unknown price → resource_missing', async () => {
    const err = await stripe.prices.retrieve('price_nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((err as Stripe.errors.StripeError).code).toBe('resource_missing');
    expect((err as Stripe.errors.StripeError).statusCode).toBe(404);
  });

  it('bad key → StripeAuthenticationError', async () => {
    const err = await sdkFor(emu, 'pk_test_wrong').products.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('bad params → parameter_missing / parameter_invalid_integer', async () => {
    const missing = await stripe.products.create({} as Stripe.ProductCreateParams).catch((e: Stripe.errors.StripeError) => e);
    expect(missing).toMatchObject({ code: 'parameter_missing', param: 'name' });
    const bad = await stripe.prices
      .create({ product: 'prod_demo_tshirt', currency: 'usd', unit_amount: 'abc' as unknown as number })
      .catch((e: Stripe.errors.StripeError) => e);
    expect(bad).toMatchObject({ code: 'parameter_invalid_integer', param: 'unit_amount' });
  });

  it('replays an idempotent request and rejects a reused key with other params', async () => {
    const a = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'idem-1' });
    const b = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'idem-1' });
    expect(b.id).toBe(a.id);
    const headers = b.lastResponse.headers as unknown as Headers;
    expect(headers.get('idempotent-replayed')).toBe('true');
    expect(b.lastResponse.idempotencyKey).toBe('idem-1');
    expect(b.lastResponse.requestId).toMatch(/^req_/);
    const err = await stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'idem-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('works with SDK retries on (auto idempotency keys)', async () => {
    const retrying = sdkFor(emu, emu.secretKey, 2);
    const c = await retrying.customers.create({ name: 'Retry' });
    expect((await retrying.customers.retrieve(c.id)) as Stripe.Customer).toMatchObject({ name: 'Retry' });
  });
});

describe('checkout session create', () => {
  const base = { success_url: 'https://shop.test/ok?session_id={CHECKOUT_SESSION_ID}', cancel_url: 'https://shop.test/cancel' };

  it('computes totals and fills the hosted url', async () => {
    const s = await stripe.checkout.sessions.create({
      ...base,
      mode: 'payment',
      line_items: [{ price: 'price_demo_tshirt_usd', quantity: 2 }],
      metadata: { order: 'o1' },
      client_reference_id: 'ref-1',
      customer_email: 'buyer@example.com',
    });
    expect(s).toMatchObject({
      object: 'checkout.session', status: 'open', payment_status: 'unpaid', amount_subtotal: 5000, amount_total: 5000,
      currency: 'usd', mode: 'payment', payment_intent: null, metadata: { order: 'o1' }, client_reference_id: 'ref-1', livemode: false,
    });
    expect(s.id).toMatch(/^cs_test_/);
    expect(s.url).toBe(`${emu.url}/checkout/${s.id}`);
    expect(s.expires_at).toBeGreaterThan(s.created);
    const items = await stripe.checkout.sessions.listLineItems(s.id, { expand: ['data.price.product'] });
    expect(items.data[0]).toMatchObject({ quantity: 2, amount_total: 5000, description: 'Demo T-shirt' });
    expect((items.data[0]!.price!.product as Stripe.Product).id).toBe('prod_demo_tshirt');
    const expanded = await stripe.checkout.sessions.retrieve(s.id, { expand: ['line_items'] });
    expect(expanded.line_items?.data).toHaveLength(1);
    const listed = await stripe.checkout.sessions.list({ limit: 1 });
    expect(listed.data[0]!.id).toBe(s.id);
  });

  it('rejects unknown, inactive and mixed-currency prices with a param', async () => {
    const unknown = await stripe.checkout.sessions
      .create({ ...base, mode: 'payment', line_items: [{ price: 'price_missing', quantity: 1 }] })
      .catch((e: Stripe.errors.StripeError) => e);
    expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(unknown).toMatchObject({ code: 'resource_missing', param: 'line_items[0][price]', statusCode: 400 });
    const inactive = await stripe.checkout.sessions
      .create({ ...base, mode: 'payment', line_items: [{ price: 'price_demo_retired', quantity: 1 }] })
      .catch((e: Stripe.errors.StripeError) => e);
    expect(inactive).toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
    const mixed = await stripe.checkout.sessions
      .create({ ...base, mode: 'payment', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }, { price: 'price_demo_poster_eur', quantity: 1 }] })
      .catch((e: Stripe.errors.StripeError) => e);
    expect(mixed).toMatchObject({ statusCode: 400, param: 'line_items' });
    const wrongMode = await stripe.checkout.sessions
      .create({ ...base, mode: 'subscription', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }] })
      .catch((e: Stripe.errors.StripeError) => e);
    expect(wrongMode).toMatchObject({ statusCode: 400 });
  });

  it('expires an open session and refuses to expire it twice', async () => {
    const s = await stripe.checkout.sessions.create({ ...base, mode: 'payment', line_items: [{ price: 'price_demo_mug_jpy', quantity: 1 }] });
    const expired = await stripe.checkout.sessions.expire(s.id);
    expect(expired.status).toBe('expired');
    await expect(stripe.checkout.sessions.expire(s.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const events = await stripe.events.list({ type: 'checkout.session.expired', limit: 1 });
    expect((events.data[0]!.data.object as Stripe.Checkout.Session).id).toBe(s.id);
  });
});

describe('payment intents and refunds', () => {
  it('confirms with pm_card_visa and refunds partially then fully', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', metadata: { k: 'v' } });
    expect(pi).toMatchObject({ status: 'requires_payment_method', amount: 2000 });
    expect(pi.client_secret).toContain(`${pi.id}_secret_`);
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa', expand: ['latest_charge'] });
    expect(confirmed.status).toBe('succeeded');
    const charge = confirmed.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ paid: true, amount_captured: 2000, status: 'succeeded', metadata: { k: 'v' } });
    expect(charge.receipt_url).toContain(charge.id);

    const partial = await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
    expect(partial).toMatchObject({ object: 'refund', amount: 500, charge: charge.id, status: 'succeeded' });
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 500, refunded: false });
    const rest = await stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(1500);
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 2000, refunded: true });
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    const refunded = await stripe.events.list({ type: 'charge.refunded', limit: 2 });
    expect(refunded.data.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([2000, 500]);
  });

  it('declines pm_card_chargeDeclined with a card error and a failed PI', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
    const err = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
    const types = (await stripe.events.list({ limit: 2 })).data.map((e) => e.type);
    expect(types).toEqual(['charge.failed', 'payment_intent.payment_failed']);
  });

  it('cancels a payment intent', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    expect((await stripe.paymentIntents.cancel(pi.id)).status).toBe('canceled');
    expect((await stripe.events.list({ limit: 1 })).data[0]!.type).toBe('payment_intent.canceled');
  });
});

describe('customers and connect accounts', () => {
  it('creates and retrieves customers', async () => {
    const c = await stripe.customers.create({ email: 'c@example.com', name: 'Cee', metadata: { a: '1' } });
    expect(c.id).toMatch(/^cus_/);
    expect(await stripe.customers.retrieve(c.id)).toMatchObject({ email: 'c@example.com', name: 'Cee', metadata: { a: '1' } });
    await expect(stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it('creates express accounts (type and controller forms) restricted until onboarding', async () => {
    const typed = await stripe.accounts.create({ type: 'express', country: 'US', email: 'seller@example.com' });
    expect(typed).toMatchObject({
      object: 'account', type: 'express', charges_enabled: false, payouts_enabled: false, details_submitted: false,
      default_currency: 'usd', email: 'seller@example.com', requirements: { disabled_reason: 'requirements.past_due' },
    });
    const controlled = await stripe.accounts.create({
      controller: { fees: { payer: 'application' }, losses: { payments: 'application' }, stripe_dashboard: { type: 'express' } },
      capabilities: { transfers: { requested: true }, card_payments: { requested: true } },
      country: 'JP',
      business_profile: { name: 'Tokyo Goods' },
      metadata: { store: 's1' },
    });
    expect(controlled).toMatchObject({ default_currency: 'jpy', business_profile: { name: 'Tokyo Goods' }, metadata: { store: 's1' } });
    expect(controlled.controller?.stripe_dashboard?.type).toBe('express');
    expect((await stripe.accounts.retrieve(controlled.id)).id).toBe(controlled.id);
  });

  it('serves the platform account and balance (health checks)', async () => {
    expect((await stripe.accounts.retrieveCurrent()).id).toBe('acct_emulator_platform');
    expect((await stripe.balance.retrieve()).object).toBe('balance');
  });

  it('creates account links and login links (after onboarding only)', async () => {
    const account = await stripe.accounts.create({ type: 'express' });
    const link = await stripe.accountLinks.create({ account: account.id, refresh_url: 'https://p.test/r', return_url: 'https://p.test/ok', type: 'account_onboarding' });
    expect(link.object).toBe('account_link');
    expect(link.expires_at - link.created).toBe(300);
    expect(link.url.startsWith(`${emu.url}/connect/onboarding/`)).toBe(true);
    await expect(stripe.accounts.createLoginLink(account.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await emu.completeOnboarding(account.id);
    const login = await stripe.accounts.createLoginLink(account.id);
    expect(login.object).toBe('login_link');
    expect((await fetch(login.url)).status).toBe(200);
    await expect(stripe.accountLinks.create({ account: 'acct_missing', refresh_url: 'https://r', return_url: 'https://r', type: 'account_onboarding' })).rejects.toMatchObject({
      code: 'resource_missing',
    });
  });

  it('emits a thin v2.core.account.created event retrievable through the v2 API', async () => {
    const account = await stripe.accounts.create({ type: 'express', email: 'v2@example.com' });
    const list = await stripe.v2.core.events.list({ object_id: account.id } as Stripe.V2.Core.EventListParams);
    const thin = list.data.find((e) => e.type === 'v2.core.account.created');
    expect(thin).toBeDefined();
    const event = await stripe.v2.core.events.retrieve(thin!.id);
    expect(event).toMatchObject({ object: 'v2.core.event', type: 'v2.core.account.created', related_object: { id: account.id, type: 'v2.core.account' } });
    const v2 = await stripe.v2.core.accounts.retrieve(account.id);
    expect(v2).toMatchObject({ id: account.id, object: 'v2.core.account', contact_email: 'v2@example.com' });
    await expect(stripe.v2.core.events.retrieve('evt_test_missing')).rejects.toMatchObject({ statusCode: 404 });
    expect((await stripe.events.list({ limit: 100 })).data.some((e) => (e.type as string) === 'account.created')).toBe(false);
  });
});

describe('events', () => {
  it('retrieves by id and filters by created and type', async () => {
    const before = Math.floor(Date.now() / 1000);
    const c = await stripe.customers.create({ email: 'ev@example.com' });
    const list = await stripe.events.list({ created: { gte: before }, type: 'customer.*' });
    const event = list.data.find((e) => (e.data.object as Stripe.Customer).id === c.id);
    expect(event?.type).toBe('customer.created');
    expect((await stripe.events.retrieve(event!.id)).id).toBe(event!.id);
    expect((await stripe.events.list({ created: { gte: before + 3600 } })).data).toHaveLength(0);
    await expect(stripe.events.retrieve('evt_missing')).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it("lists a connected account's events only with its Stripe-Account, as Stripe does", async () => {
    const account = await stripe.accounts.create({ type: 'express' });
    const product = await stripe.products.create({ name: 'On the account' }, { stripeAccount: account.id });
    const ids = (list: Stripe.ApiList<Stripe.Event>) => list.data.map((e) => (e.data.object as { id: string }).id);
    expect(ids(await stripe.events.list({ type: 'product.created', limit: 100 }))).not.toContain(product.id);
    const onAccount = await stripe.events.list({ type: 'product.created', limit: 100 }, { stripeAccount: account.id });
    expect(ids(onAccount)).toEqual([product.id]);
    expect(onAccount.data[0]!.account).toBe(account.id);
  });
});
