import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntentRoute as route } from '../../lib/checkout/create-intent-route.js';
import { applicationFeeAmount } from '../../lib/connect/fees.js';
import { orders } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, expectError, expressAccount, freshIp, insertStore, jsonInit, sdkFor, storePrice } from './support.js';

const PATH = '/api/create-intent';

interface IntentBody {
  clientSecret: string;
  paymentIntentId: string;
  amountTotal: number;
  applicationFeeAmount: number | null;
  currency: string;
  publishableKey: string;
}

describe('POST /api/create-intent', () => {
  let app: TestApp;
  let stripe: Stripe;
  let accountId: string;
  let storeId: number;
  const price: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
    accountId = (await expressAccount(stripe, app.emulator!)).id;
    storeId = (await insertStore(app.db, { slug: 'kiln', accountId, status: 'active', feeBps: 250 })).id;
    const pending = await expressAccount(stripe, app.emulator!, false);
    await insertStore(app.db, { slug: 'not-yet', accountId: pending.id, status: 'pending' });
    price.usd = await storePrice(stripe, app.db, accountId, { name: 'Bowl', currency: 'usd', amount: 1999 });
    price.usd2 = await storePrice(stripe, app.db, accountId, { name: 'Plate', currency: 'usd', amount: 1250 });
    price.jpy = await storePrice(stripe, app.db, accountId, { name: 'Cup', currency: 'jpy', amount: 1500 });
    price.eur = await storePrice(stripe, app.db, accountId, { name: 'Vase', currency: 'eur', amount: 1201 });
    price.monthly = await storePrice(stripe, app.db, accountId, { name: 'Club', currency: 'usd', amount: 900, monthly: true });
  });
  afterAll(() => app.stop());

  async function create(body: unknown, headers: Record<string, string> = {}): Promise<IntentBody> {
    const res = await app.call(route, PATH, jsonInit(body, headers));
    const json = (await res.json()) as IntentBody;
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json;
  }

  it('platform sale: amount from Stripe prices, no fee, an open order with the items', async () => {
    const body = await create({ items: [{ priceId: 'price_demo_tshirt_usd', quantity: 2 }] });
    expect(body).toMatchObject({ amountTotal: 5000, currency: 'usd', applicationFeeAmount: null, publishableKey: 'pk_test_emulator' });
    expect(body.clientSecret).toMatch(new RegExp(`^${body.paymentIntentId}_secret_`));
    const pi = await stripe.paymentIntents.retrieve(body.paymentIntentId);
    expect(pi.transfer_data).toBeNull();
    expect(pi.metadata).toMatchObject({ source: 'create-intent', items: 'price_demo_tshirt_usdx2' });
    const [order] = await app.db.select().from(orders).where(eq(orders.paymentIntentId, body.paymentIntentId));
    expect(order).toMatchObject({ status: 'open', storeId: null, amountTotal: 5000, currency: 'usd', applicationFeeAmount: null });
    expect(order!.items).toEqual([
      { priceId: 'price_demo_tshirt_usd', productId: 'prod_demo_tshirt', name: 'Demo T-shirt', quantity: 2, unitAmount: 2500, amountTotal: 5000 },
    ]);
  });

  it('ignores a client-sent amount, currency and fee: the total comes from Stripe prices', async () => {
    const body = await create({ items: [{ priceId: 'price_demo_mug_jpy', quantity: 1, amount: 1 }], amount: 1, currency: 'usd', applicationFeeAmount: 0 });
    expect(body).toMatchObject({ amountTotal: 1500, currency: 'jpy' });
    expect((await stripe.paymentIntents.retrieve(body.paymentIntentId)).amount).toBe(1500);
  });

  it.each([
    ['usd', [{ k: 'usd', q: 3 }, { k: 'usd2', q: 1 }], 1999 * 3 + 1250],
    ['jpy (zero-decimal)', [{ k: 'jpy', q: 1 }], 1500],
    ['eur', [{ k: 'eur', q: 7 }], 1201 * 7],
  ])('store sale in %s: destination charge; fee + seller amount = total', async (_c, lines, total) => {
    const body = await create({ store: 'kiln', items: lines.map((l) => ({ priceId: price[l.k], quantity: l.q })) });
    const fee = applicationFeeAmount(total, 250, 'usd');
    expect(body.amountTotal).toBe(total);
    expect(body.applicationFeeAmount).toBe(fee);
    const pi = await stripe.paymentIntents.retrieve(body.paymentIntentId);
    expect(pi.application_fee_amount).toBe(fee);
    expect(pi.transfer_data?.destination).toBe(accountId);
    expect(pi.metadata.store).toBe('kiln');
    const seller = pi.amount - pi.application_fee_amount!;
    expect(seller + pi.application_fee_amount!).toBe(total);
    expect(seller).toBe(total - Math.floor((total * 250 + 5000) / 10_000));
    const [order] = await app.db.select().from(orders).where(eq(orders.paymentIntentId, body.paymentIntentId));
    expect(order).toMatchObject({ storeId, applicationFeeAmount: fee, amountTotal: total, status: 'open' });
  });

  it('honours Idempotency-Key: the same intent and one order', async () => {
    const key = randomUUID();
    const a = await create({ store: 'kiln', items: [{ priceId: price.usd }] }, { 'idempotency-key': key });
    const b = await create({ store: 'kiln', items: [{ priceId: price.usd }] }, { 'idempotency-key': key });
    expect(b.paymentIntentId).toBe(a.paymentIntentId);
    expect(await app.db.select().from(orders).where(eq(orders.paymentIntentId, a.paymentIntentId))).toHaveLength(1);
    const res = await app.call(route, PATH, jsonInit({ store: 'kiln', items: [{ priceId: price.usd, quantity: 2 }] }, { 'idempotency-key': key }));
    await expectError(res, 409, 'conflict');
  });

  const bad: Array<[string, () => unknown, number, string]> = [
    ['unknown store', () => ({ store: 'nobody', items: [{ priceId: 'price_demo_tshirt_usd' }] }), 400, 'unknown_store'],
    ['store not active', () => ({ store: 'not-yet', items: [{ priceId: 'price_demo_tshirt_usd' }] }), 409, 'store_not_active'],
    ['mixed currencies', () => ({ store: 'kiln', items: [{ priceId: price.usd }, { priceId: price.jpy }] }), 400, 'invalid_request'],
    ['mixed currencies, platform', () => ({ items: [{ priceId: 'price_demo_tshirt_usd' }, { priceId: 'price_demo_poster_eur' }] }), 400, 'invalid_request'],
    ['a recurring price', () => ({ store: 'kiln', items: [{ priceId: price.monthly }] }), 400, 'invalid_request'],
    ['an inactive price', () => ({ items: [{ priceId: 'price_demo_retired' }] }), 400, 'price_inactive'],
    ['an unknown price', () => ({ items: [{ priceId: 'price_nope' }] }), 400, 'unknown_price'],
    ['a platform price with a store', () => ({ store: 'kiln', items: [{ priceId: 'price_demo_tshirt_usd' }] }), 400, 'price_not_allowed'],
    ['a store price without its store', () => ({ items: [{ priceId: price.usd }] }), 400, 'price_not_allowed'],
    ['no items', () => ({ items: [] }), 400, 'invalid_request'],
    ['21 items', () => ({ items: Array.from({ length: 21 }, (_, i) => ({ priceId: `price_x${i}` })) }), 400, 'invalid_request'],
    ['quantity 100', () => ({ items: [{ priceId: 'price_demo_tshirt_usd', quantity: 100 }] }), 400, 'invalid_request'],
    ['the same price twice', () => ({ items: [{ priceId: 'price_demo_tshirt_usd' }, { priceId: 'price_demo_tshirt_usd' }] }), 400, 'invalid_request'],
    ['a malformed store slug', () => ({ store: 'Not A Slug', items: [{ priceId: 'price_demo_tshirt_usd' }] }), 400, 'invalid_request'],
  ];
  it.each(bad)('refuses %s', async (_name, body, status, code) => {
    const res = await app.call(route, PATH, jsonInit(body()));
    await expectError(res, status, code);
  });

  it('writes no order and creates no intent when refused', async () => {
    const before = (await stripe.paymentIntents.list({ limit: 100 })).data.length;
    const ordersBefore = (await app.db.select().from(orders)).length;
    await expectError(await app.call(route, PATH, jsonInit({ store: 'kiln', items: [{ priceId: price.usd }, { priceId: price.eur }] })), 400, 'invalid_request');
    expect((await stripe.paymentIntents.list({ limit: 100 })).data.length).toBe(before);
    expect((await app.db.select().from(orders)).length).toBe(ordersBefore);
  });

  it('takes JSON only (415 for a form) and refuses other origins (403)', async () => {
    const form = await app.call(route, PATH, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'priceId=price_demo_tshirt_usd', ip: freshIp() });
    await expectError(form, 415, 'unsupported_media_type');
    const cross = await app.call(route, PATH, jsonInit({ items: [{ priceId: 'price_demo_tshirt_usd' }] }, { origin: 'https://evil.example' }));
    await expectError(cross, 403, 'forbidden_origin');
  });
});
