import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitlements } from '../../lib/db/schema.js';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, driver, eventRow, orderBySession, sdkFor } from './support.js';

describe('orders: a bank debit after a decline; one-time items of a subscription', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    // The bank debit stays processing at Stripe for the length of the file.
    app = await startTestApp({ driver, emulator: true, emulatorOptions: { asyncSettleMs: 600_000 } });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const send = async (e: object | undefined) => {
    if (!e) throw new Error('event missing');
    const res = await deliver(app, e);
    if (res.status !== 200) throw new Error(`${res.status}: ${(await eventRow(app, (e as { id: string }).id))?.lastError}`);
    return res.body;
  };
  const allEvents = async () => {
    const list: Stripe.Event[] = [];
    for await (const e of stripe.events.list({ limit: 100 })) list.push(e);
    return list.reverse();
  };

  it('a declined card then SEPA in the same Checkout Session: the order is processing, not failed, and the success page says so', async () => {
    const s = await stripe.checkout.sessions.create({
      mode: 'payment', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }], success_url: 'http://x/s', cancel_url: 'http://x/c',
    });
    await app.emulator!.completeCheckoutSession(s.id, 'declined'); // first attempt: card declined
    await app.emulator!.completeCheckoutSession(s.id, 'delayed'); // second attempt: SEPA debit, processing
    const pi = (await stripe.checkout.sessions.retrieve(s.id)).payment_intent as string;
    const events = (await allEvents()).filter((e) => {
      const o = e.data.object as { id?: string; payment_intent?: string };
      return o.id === s.id || o.id === pi || o.payment_intent === pi;
    });
    // Natural order: the declined attempt's events, then the (unpaid) completion.
    for (const type of ['payment_intent.payment_failed', 'charge.failed', 'checkout.session.completed']) {
      await send(events.find((e) => e.type === type));
    }
    expect(await orderBySession(app, s.id)).toMatchObject({ status: 'processing', fulfilledAt: null });
    const res = await app.call(orderStatusRoute, `/api/order-status?session_id=${s.id}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('processing');
  });

  it('a one-time item bought in a subscription-mode Checkout Session is granted (Stripe puts it on the first invoice, not on the subscription)', async () => {
    const kit = await stripe.prices.create({ currency: 'usd', unit_amount: 1500, product_data: { name: 'Starter kit' } });
    const s = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_demo_membership_monthly', quantity: 1 }, { price: kit.id, quantity: 1 }],
      success_url: 'http://x/s', cancel_url: 'http://x/c',
    });
    await app.emulator!.completeCheckoutSession(s.id, 'paid');
    await app.emulator!.idle();
    const session = await stripe.checkout.sessions.retrieve(s.id);
    const events = (await allEvents()).filter((e) => {
      const o = e.data.object as { id?: string };
      return o.id === s.id || o.id === session.subscription || o.id === session.customer;
    });
    // As at Stripe, the subscription holds only the recurring price.
    const created = events.find((e) => e.type === 'customer.subscription.created')!.data.object as Stripe.Subscription;
    expect(created.items.data.map((i) => i.price.id)).toEqual(['price_demo_membership_monthly']);
    for (const e of events) await send(e);
    const order = (await orderBySession(app, s.id))!;
    expect(order).toMatchObject({ mode: 'subscription', status: 'paid' });
    expect(order.fulfilledAt).not.toBeNull();
    const granted = await app.db.select().from(entitlements).where(eq(entitlements.customerStripeId, session.customer as string));
    expect(granted.map((g) => ({ product: g.productStripeId, active: g.active })).sort((a, b) => a.product.localeCompare(b.product)))
      .toEqual([{ product: 'prod_demo_membership', active: true }, { product: kit.product as string, active: true }]
        .sort((a, b) => a.product.localeCompare(b.product)));
  });
});
