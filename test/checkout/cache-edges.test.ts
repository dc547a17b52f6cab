// The price lookup is cached for minutes; the catalogue's webhook facts and a Redis that never
// answers must not keep checkout selling a withdrawn price, or waiting.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { createIntentRoute } from '../../lib/checkout/create-intent-route.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, event } from '../webhook/support.js';
import { driver, expectError, jsonInit, orderCount, PATH, sdkFor } from './support.js';

const INTENT = '/api/create-intent';

describe('the price cache and the catalogue webhooks', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  // Seen by the catalogue, bought once (the lookup is now cached).
  async function soldOnce(name: string): Promise<{ product: Stripe.Product; priceId: string }> {
    const product = await stripe.products.create({ name, default_price_data: { currency: 'usd', unit_amount: 1500 } });
    const priceId = product.default_price as string;
    const earlier = Math.floor(Date.now() / 1000) - 10;
    expect((await deliver(app, event('product.created', { created: earlier, data: { object: product } }))).status).toBe(200);
    const price = await stripe.prices.retrieve(priceId);
    expect((await deliver(app, event('price.created', { created: earlier, data: { object: price } }))).status).toBe(200);
    expect((await app.call(createIntentRoute, INTENT, jsonInit({ items: [{ priceId }] }))).status).toBe(200);
    return { product, priceId };
  }

  it('a product archived at Stripe, its webhook applied, is no longer sold (not from the cache, not as a 502)', async () => {
    const { product, priceId } = await soldOnce('Soon archived');
    const archived = await stripe.products.update(product.id, { active: false });
    expect((await deliver(app, event('product.updated', { data: { object: archived } }))).status).toBe(200);
    const orders = await orderCount(app.db);
    await expectError(await app.call(createIntentRoute, INTENT, jsonInit({ items: [{ priceId }] })), 400, 'price_inactive');
    await expectError(await app.call(createCheckoutSessionRoute, PATH, jsonInit({ priceId })), 400, 'price_inactive');
    expect(await orderCount(app.db)).toBe(orders);
  });

  it('a price archived or deleted at Stripe, its webhook applied, is no longer sold', async () => {
    for (const type of ['price.updated', 'price.deleted'] as const) {
      const { priceId } = await soldOnce(`Price ${type}`);
      const archived = { ...(await stripe.prices.retrieve(priceId)), active: false }; // as Stripe sends it
      // The test builder makes price.created envelopes; the type is what Stripe would send.
      expect((await deliver(app, event('price.created', { type, data: { object: archived } }))).status).toBe(200);
      await expectError(await app.call(createIntentRoute, INTENT, jsonInit({ items: [{ priceId }] })), 400, 'price_inactive');
    }
  });
});

describe('a Redis that accepts connections and never answers', () => {
  let app: TestApp;
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => void sockets.push(socket)); // reads nothing, answers nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    app = await startTestApp({ driver, emulator: true, env: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: 'token_never_answered' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await app.stop();
  });

  it('checkout still answers: the limiter and the price cache are skipped like an outage, not waited on', async () => {
    const res = await app.call(createCheckoutSessionRoute, PATH, jsonInit({ priceId: 'price_demo_tshirt_usd' }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { url: string }).url).toContain('/checkout/');
  }, 20_000);
});
