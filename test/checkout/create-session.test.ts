import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute as route } from '../../lib/checkout/create-checkout-session-route.js';
import { applicationFeeAmount } from '../../lib/connect/fees.js';
import type { Db } from '../../lib/db/client.js';
import { orders, prices } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, freshIp, insertStore, jsonInit, orderCount, PATH, sdkFor } from './support.js';

describe('POST /api/create-checkout-session creates a session and an open order', () => {
  let app: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { ALLOWED_ORIGINS: 'https://shop.example.com' } });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  async function create(body: unknown, headers: Record<string, string> = {}) {
    const res = await app.call(route, PATH, jsonInit(body, headers));
    const json = (await res.json()) as { id: string; url: string; error?: unknown };
    expect(res.status, JSON.stringify(json)).toBe(200);
    return { res, ...json };
  }

  async function orderFor(sessionId: string) {
    const [row] = await app.db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId));
    return row;
  }

  it('JSON → 200 {id, url} and an open order with amounts and items from Stripe', async () => {
    const { id, url, res } = await create({ priceId: 'price_demo_tshirt_usd', quantity: 2 });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(id).toMatch(/^cs_test_/);
    expect(url).toContain(id);
    const session = await stripe.checkout.sessions.retrieve(id, { expand: ['line_items'] });
    expect(session.mode).toBe('payment');
    expect(session.success_url).toBe('http://localhost:3000/success.html?session_id={CHECKOUT_SESSION_ID}');
    expect(session.cancel_url).toBe('http://localhost:3000/canceled.html');
    expect(session.line_items!.data[0]!.quantity).toBe(2);
    const order = await orderFor(id);
    expect(order).toMatchObject({
      status: 'open', mode: 'payment', currency: 'usd', amountTotal: 5000, storeId: null, applicationFeeAmount: null,
    });
    expect(order!.items).toEqual([
      { priceId: 'price_demo_tshirt_usd', productId: 'prod_demo_tshirt', name: 'Demo T-shirt', quantity: 2, unitAmount: 2500, amountTotal: 5000 },
    ]);
  });

  it('a form post → 303 to the session url', async () => {
    const before = await orderCount(app.db);
    const res = await app.call(route, PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'priceId=price_demo_mug_jpy&quantity=3&store=',
      ip: freshIp(),
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${app.emulator!.url}/checkout/cs_test_`));
    expect(await orderCount(app.db)).toBe(before + 1);
    const id = location.split('/').pop()!;
    expect(await orderFor(id)).toMatchObject({ currency: 'jpy', amountTotal: 4500 });
  });

  it('a recurring price makes a subscription-mode session', async () => {
    const { id } = await create({ priceId: 'price_demo_membership_monthly' });
    const session = await stripe.checkout.sessions.retrieve(id);
    expect(session.mode).toBe('subscription');
    expect(await orderFor(id)).toMatchObject({ mode: 'subscription', status: 'open', amountTotal: 900 });
  });

  it('a store purchase is a destination charge with fee = round-half-up(total × bps / 10 000): 3 × $12.95 at 250 bps → 97¢', async () => {
    const account = await stripe.accounts.create({
      controller: { fees: { payer: 'application' }, losses: { payments: 'application' }, stripe_dashboard: { type: 'express' } },
    });
    const store = await insertStore(app.db, { slug: 'fee-shop', accountId: account.id, status: 'active', feeBps: 250 });
    const price = await storePrice(stripe, app.db, store.accountId, { currency: 'usd', unit_amount: 1295, product_data: { name: 'Fee test' } });
    // 3885 × 250 / 10 000 = 97.125 → 97; the seller gets the rest.
    expect(applicationFeeAmount(3885, 250, 'usd')).toBe(97);
    const { id } = await create({ priceId: price.id, quantity: 3, store: 'fee-shop' });

    // The emulator's hosted page runs the payment; the PaymentIntent carries destination and fee.
    await app.emulator!.completeCheckoutSession(id, 'paid');
    const session = await stripe.checkout.sessions.retrieve(id, { expand: ['payment_intent'] });
    const pi = session.payment_intent as Stripe.PaymentIntent;
    expect(pi.amount).toBe(3885);
    expect(pi.application_fee_amount).toBe(97);
    expect(pi.transfer_data?.destination).toBe(account.id);
    expect(await orderFor(id)).toMatchObject({ storeId: store.id, applicationFeeAmount: 97, amountTotal: 3885 });
  });

  it('half a minor unit rounds up: 1 × 20¢ at 250 bps = 0.5¢ → 1¢', async () => {
    expect(applicationFeeAmount(20, 250, 'usd')).toBe(1);
    expect(applicationFeeAmount(19, 250, 'usd')).toBe(0); // 0.475
  });

  it('a store subscription takes application_fee_percent and the destination', async () => {
    const account = await stripe.accounts.create({ type: 'express' });
    const store = await insertStore(app.db, { slug: 'sub-shop', accountId: account.id, status: 'active', feeBps: 375 });
    const price = await storePrice(stripe, app.db, store.accountId, {
      currency: 'usd', unit_amount: 700, recurring: { interval: 'month' }, product_data: { name: 'Seller club' },
    });
    const { id } = await create({ priceId: price.id, store: 'sub-shop' });
    await app.emulator!.completeCheckoutSession(id, 'paid');
    const session = await stripe.checkout.sessions.retrieve(id, { expand: ['subscription'] });
    const sub = session.subscription as Stripe.Subscription;
    expect(session.mode).toBe('subscription');
    expect(sub.application_fee_percent).toBe(3.75);
    expect(sub.transfer_data?.destination).toBe(account.id);
  });

  it('an Idempotency-Key replay returns the same session and leaves one order row', async () => {
    const key = randomUUID();
    const before = await orderCount(app.db);
    const first = await create({ priceId: 'price_demo_poster_eur' }, { 'idempotency-key': key });
    const second = await create({ priceId: 'price_demo_poster_eur' }, { 'idempotency-key': key });
    expect(second.id).toBe(first.id);
    expect(second.url).toBe(first.url);
    expect(await orderCount(app.db)).toBe(before + 1);
  });

  it('the same Idempotency-Key with a different purchase → 409, nothing written', async () => {
    const key = randomUUID();
    await create({ priceId: 'price_demo_poster_eur' }, { 'idempotency-key': key });
    const before = await orderCount(app.db);
    const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_poster_eur', quantity: 2 }, { 'idempotency-key': key }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('conflict');
    expect(await orderCount(app.db)).toBe(before);
  });

  it('an allowed origin gets CORS headers on success and on preflight', async () => {
    const origin = 'https://shop.example.com';
    const pre = await app.call(route, PATH, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const { res } = await create({ priceId: 'price_demo_tshirt_usd' }, { origin });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('vary')).toContain('Origin');
  });
});

describe('create-checkout-session when Stripe or configuration fails', () => {
  it('Stripe unreachable → 502 with a safe message, nothing written', async () => {
    const app = await startTestApp({ driver, env: { STRIPE_API_BASE: 'http://127.0.0.1:9' } });
    try {
      const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }));
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status).toBe(502);
      expect(body.error.code).toBe('stripe_error');
      expect(body.error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|sk_/);
      expect(await orderCount(app.db)).toBe(0);
    } finally {
      await app.stop();
    }
  });

  it('PUBLIC_BASE_URL unset → 503 naming it, nothing written', async () => {
    const app = await startTestApp({ driver, emulator: true, env: { PUBLIC_BASE_URL: undefined } });
    try {
      const res = await app.call(route, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }));
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status).toBe(503);
      expect(body.error.message).toContain('PUBLIC_BASE_URL');
      expect(await orderCount(app.db)).toBe(0);
    } finally {
      await app.stop();
    }
  });
});

// A store's price, as the catalogue webhook would record it (this suite delivers no webhooks).
async function storePrice(stripe: Stripe, db: Db, accountId: string, params: Stripe.PriceCreateParams): Promise<Stripe.Price> {
  const price = await stripe.prices.create(params);
  await db.insert(prices).values({
    stripeId: price.id,
    productStripeId: price.product as string,
    accountId,
    currency: price.currency,
    unitAmount: price.unit_amount,
    type: price.recurring ? 'recurring' : 'one_time',
    recurringInterval: price.recurring?.interval ?? null,
  });
  return price;
}
