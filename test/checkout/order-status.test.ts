import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { orderStatusRoute as route } from '../../lib/checkout/order-status-route.js';
import { entitlements, orders } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { driver, expectError, jsonInit, PATH, sdkFor } from './support.js';

// The emulator here delivers no webhooks: order-status is the only way the order gets paid.
describe('GET /api/order-status', () => {
  let app: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  async function checkout(priceId: string, quantity = 1): Promise<string> {
    const res = await app.call(createCheckoutSessionRoute, PATH, jsonInit({ priceId, quantity }));
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  }

  async function status(sessionId: string, ip?: string) {
    return app.call(route, `/api/order-status?session_id=${encodeURIComponent(sessionId)}`, { ip });
  }

  async function orderRow(sessionId: string) {
    const [row] = await app.db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId));
    return row!;
  }

  async function entitlementsOf(orderId: number) {
    return app.db.select().from(entitlements).where(eq(entitlements.orderId, orderId));
  }

  it('an unpaid session → open, with exactly the allowed fields, no-store', async () => {
    const id = await checkout('price_demo_tshirt_usd', 2);
    const res = await status(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      status: 'open', amountTotal: 5000, currency: 'usd', items: [{ name: 'Demo T-shirt', quantity: 2 }],
    });
  });

  it('paid at Stripe, no webhook yet → fulfils through syncCheckoutSession: paid, fulfilled, one entitlement', async () => {
    const id = await checkout('price_demo_mug_jpy');
    await app.emulator!.completeCheckoutSession(id, 'paid');
    expect(app.emulator!.deliveries.length).toBe(0);
    const res = await status(id);
    const body = await res.json();
    expect(body).toEqual({ status: 'paid', amountTotal: 1500, currency: 'jpy', items: [{ name: 'Demo Mug', quantity: 1 }] });
    expect(Object.keys(body as object).sort()).toEqual(['amountTotal', 'currency', 'items', 'status']);
    const order = await orderRow(id);
    expect(order.status).toBe('paid');
    expect(order.fulfilledAt).toBeInstanceOf(Date);
    expect(order.email).toBeTruthy(); // stored, never returned
    const granted = await entitlementsOf(order.id);
    expect(granted.map((e) => e.productStripeId)).toEqual(['prod_demo_mug']);

    // Polling again, or twice at once, fulfils nothing more.
    await Promise.all([status(id), status(id), status(id)]);
    expect(await entitlementsOf(order.id)).toHaveLength(1);
    expect((await orderRow(id)).fulfilledAt!.getTime()).toBe(order.fulfilledAt!.getTime());
  });

  it('a delayed payment method → processing, not fulfilled', async () => {
    const id = await checkout('price_demo_poster_eur');
    await app.emulator!.completeCheckoutSession(id, 'delayed');
    expect(((await (await status(id)).json()) as { status: string }).status).toBe('processing');
    const order = await orderRow(id);
    expect(order.fulfilledAt).toBeNull();
    expect(await entitlementsOf(order.id)).toHaveLength(0);
  });

  it('a session we have no order for (created elsewhere) is read from Stripe and fulfilled when paid', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }],
      success_url: 'http://localhost:3000/success.html?session_id={CHECKOUT_SESSION_ID}',
    });
    const open = await (await status(session.id)).json();
    expect(open).toEqual({ status: 'open', amountTotal: 2500, currency: 'usd', items: [{ name: 'Demo T-shirt', quantity: 1 }] });
    await app.emulator!.completeCheckoutSession(session.id, 'paid');
    expect(((await (await status(session.id)).json()) as { status: string }).status).toBe('paid');
    expect((await orderRow(session.id)).fulfilledAt).toBeInstanceOf(Date);
  });

  it('a session of 12 line items: the expanded session holds the first 10, and the order gets all 12', async () => {
    const prices = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      stripe.prices.create({ currency: 'usd', unit_amount: 100 + i, product_data: { name: `Print ${i + 1}` } })));
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: prices.map((p) => ({ price: p.id, quantity: 1 })),
      success_url: 'http://localhost:3000/success.html?session_id={CHECKOUT_SESSION_ID}',
    });
    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(expanded.line_items).toMatchObject({ has_more: true, data: expect.any(Array) });
    await app.emulator!.completeCheckoutSession(session.id, 'paid');
    const body = (await (await status(session.id)).json()) as { status: string; items: unknown[] };
    expect(body.status).toBe('paid');
    expect(body.items).toHaveLength(12);
    const order = await orderRow(session.id);
    expect(order.items.map((i) => i.priceId).sort()).toEqual(prices.map((p) => p.id).sort());
    expect(await entitlementsOf(order.id)).toHaveLength(12);
  });

  it('unknown to us and to Stripe → 404', async () => {
    await expectError(await status('cs_test_doesnotexist123'), 404, 'not_found');
  });

  it('missing or malformed session_id → 400', async () => {
    await expectError(await app.call(route, '/api/order-status'), 400, 'invalid_request');
    await expectError(await status('pi_123'), 400, 'invalid_request');
    await expectError(await status('cs_test_../../x'), 400, 'invalid_request');
  });
});
