import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, entitlements, orders, stores, subscriptions } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, driver, eventRow, event, orderByPi, orderBySession, purchase, sdkFor } from './support.js';

describe('payments, refunds, disputes, subscriptions: the rows each event leaves', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
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
    return list;
  };

  it('delayed payment: completed (unpaid) → processing, async_payment_succeeded → paid and fulfilled', async () => {
    const p = await purchase(app.emulator!, stripe, { outcome: 'delayed' });
    await new Promise((r) => setTimeout(r, 300));
    const events = (await allEvents()).filter((e) => (e.data.object as { id: string }).id === p.session.id);
    await send(events.find((e) => e.type === 'checkout.session.completed'));
    expect(await orderBySession(app, p.session.id)).toMatchObject({ status: 'processing', fulfilledAt: null });
    expect(await send(events.find((e) => e.type === 'checkout.session.async_payment_succeeded'))).toEqual({ status: 'processed', reason: 'order paid' });
    expect((await orderBySession(app, p.session.id))!.fulfilledAt).not.toBeNull();
  });

  it('async_payment_failed → failed; expired → expired', async () => {
    const open = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }], success_url: 'http://x/s', cancel_url: 'http://x/c' });
    const failedSession = { ...open, status: 'complete', payment_status: 'unpaid', customer_details: { email: 'late@example.com' } };
    await send(event('checkout.session.async_payment_failed', { data: { object: failedSession } }));
    expect(await orderBySession(app, open.id)).toMatchObject({ status: 'failed', email: 'late@example.com', fulfilledAt: null });

    const other = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }], success_url: 'http://x/s', cancel_url: 'http://x/c' });
    await stripe.checkout.sessions.expire(other.id);
    const expired = (await allEvents()).find((e) => e.type === 'checkout.session.expired' && (e.data.object as { id: string }).id === other.id);
    await send(expired);
    expect(await orderBySession(app, other.id)).toMatchObject({ status: 'expired' });
  });

  it('declined: payment_intent.payment_failed and charge.failed → failed; payment_intent.canceled → failed', async () => {
    const p = await purchase(app.emulator!, stripe, { outcome: 'declined' });
    await send(p.events.get('charge.failed'));
    await send(p.events.get('payment_intent.payment_failed'));
    expect(await orderByPi(app, p.paymentIntentId)).toMatchObject({ status: 'failed', chargeId: null, fulfilledAt: null });

    const canceled = event('payment_intent.canceled');
    await send(canceled);
    expect(await orderByPi(app, canceled.data.object.id)).toMatchObject({ status: 'failed', amountTotal: 2500 });
  });

  it('partial then full refund (cumulative amount_refunded); a full refund revokes the entitlements', async () => {
    const p = await purchase(app.emulator!, stripe);
    await send(p.events.get('checkout.session.completed'));
    const refundEvents = async () => (await allEvents()).filter((e) => e.type === 'charge.refunded' && (e.data.object as Stripe.Charge).payment_intent === p.paymentIntentId);
    await stripe.refunds.create({ payment_intent: p.paymentIntentId, amount: 1000 });
    await send((await refundEvents())[0]);
    const partial = (await orderByPi(app, p.paymentIntentId))!;
    expect(partial).toMatchObject({ status: 'partially_refunded', amountRefunded: 1000 });
    expect(await app.db.select().from(entitlements).where(eq(entitlements.orderId, partial.id))).toEqual([expect.objectContaining({ active: true })]);
    await stripe.refunds.create({ payment_intent: p.paymentIntentId });
    await send((await refundEvents())[0]);
    expect(await orderByPi(app, p.paymentIntentId)).toMatchObject({ status: 'refunded', amountRefunded: 2500 });
    expect(await app.db.select().from(entitlements).where(eq(entitlements.orderId, partial.id))).toEqual([expect.objectContaining({ active: false })]);
  });

  it('charge.dispute.created → disputed', async () => {
    const p = await purchase(app.emulator!, stripe);
    await send(p.events.get('checkout.session.completed'));
    await send(event('charge.dispute.created', { data: { object: { payment_intent: p.paymentIntentId } } }));
    expect(await orderByPi(app, p.paymentIntentId)).toMatchObject({ status: 'disputed' });
  });

  it('a destination charge belongs to the seller\'s store with the application fee recorded', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Fee Shop' } });
    await send(event('account.updated', { account: account.id, data: { object: account } }));
    const p = await purchase(app.emulator!, stripe, { destination: account.id, fee: 63 });
    await send(p.events.get('payment_intent.succeeded'));
    const [store] = await app.db.select().from(stores).where(eq(stores.accountId, account.id));
    expect(await orderByPi(app, p.paymentIntentId)).toMatchObject({ storeId: store!.id, applicationFeeAmount: 63, status: 'paid' });
    await send(p.events.get('checkout.session.completed'));
    expect(await orderBySession(app, p.session.id)).toMatchObject({ storeId: store!.id, applicationFeeAmount: 63, status: 'paid' });
  });

  it('money: JPY (zero-decimal) and USD amounts round-trip as integers in minor units', async () => {
    const yen = await purchase(app.emulator!, stripe, { price: 'price_demo_mug_jpy', quantity: 3 });
    await send(yen.events.get('checkout.session.completed'));
    const order = (await orderBySession(app, yen.session.id))!;
    expect(order).toMatchObject({ currency: 'jpy', amountTotal: 4500 });
    expect(order.items[0]).toMatchObject({ unitAmount: 1500, amountTotal: 4500 });
    const [mail] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order.id));
    expect(mail!.text).toContain('¥4,500');
    const usd = await purchase(app.emulator!, stripe, { quantity: 1 });
    await send(usd.events.get('charge.succeeded'));
    expect(await orderByPi(app, usd.paymentIntentId)).toMatchObject({ currency: 'usd', amountTotal: 2500 });
  });

  it('subscriptions: created grants, updated follows status, deleted revokes; invoices are recorded', async () => {
    const s = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_demo_membership_monthly', quantity: 1 }], success_url: 'http://x/s', cancel_url: 'http://x/c' });
    await app.emulator!.completeCheckoutSession(s.id, 'paid');
    const events = await allEvents();
    const created = events.find((e) => e.type === 'customer.subscription.created')! as Stripe.CustomerSubscriptionCreatedEvent;
    const sub = created.data.object;
    for (const type of ['customer.created', 'checkout.session.completed', 'customer.subscription.created', 'invoice.paid']) {
      await send(events.find((e) => e.type === type));
    }
    const row = (await app.db.select().from(subscriptions).where(eq(subscriptions.stripeId, sub.id)))[0]!;
    expect(row).toMatchObject({ status: 'active', priceIds: ['price_demo_membership_monthly'], productIds: ['prod_demo_membership'], latestInvoiceStatus: 'paid' });
    expect(row.currentPeriodEnd).toBeGreaterThan(row.currentPeriodStart!);
    const ents = () => app.db.select().from(entitlements).where(eq(entitlements.subscriptionStripeId, sub.id));
    expect(await ents()).toEqual([expect.objectContaining({ productStripeId: 'prod_demo_membership', active: true, email: 'shopper@example.com' })]);
    expect(await orderBySession(app, s.id)).toMatchObject({ mode: 'subscription', status: 'paid', subscriptionStripeId: sub.id });

    await send(event('customer.subscription.updated', { created: created.created + 1, data: { object: { ...sub, status: 'unpaid' } } }));
    expect(await ents()).toEqual([expect.objectContaining({ active: false })]);
    await send(event('invoice.payment_failed', { data: { object: { parent: { subscription_details: { subscription: sub.id } } } } }));
    await send(event('customer.subscription.updated', { created: created.created + 2, data: { object: { ...sub, status: 'active' } } }));
    expect(await ents()).toEqual([expect.objectContaining({ active: true })]);
    await send(event('customer.subscription.deleted', { created: created.created + 3, data: { object: { ...sub, status: 'canceled' } } }));
    expect((await app.db.select().from(subscriptions).where(eq(subscriptions.stripeId, sub.id)))[0]).toMatchObject({ status: 'canceled', latestInvoiceStatus: 'payment_failed' });
    expect(await ents()).toEqual([expect.objectContaining({ active: false })]);
  });

  it('a subscription switched to another product revokes the entitlement to the product it no longer includes', async () => {
    const created = event('customer.subscription.created', { created: Math.floor(Date.now() / 1000) - 60 });
    const sub = created.data.object;
    const swapTo = {
      ...sub.items.data[0],
      id: 'si_review_swap',
      price: { ...sub.items.data[0].price, id: 'price_review_gold', product: 'prod_review_gold' },
    };
    expect((await deliver(app, created)).status).toBe(200);
    const updated = event('customer.subscription.updated', { created: created.created + 1, data: { object: { id: sub.id } } });
    updated.data.object = { ...sub, items: { ...sub.items, data: [swapTo] } };
    expect((await deliver(app, updated)).status).toBe(200);
    expect((await app.db.select().from(subscriptions).where(eq(subscriptions.stripeId, sub.id)))[0]).toMatchObject({ status: 'active', productIds: ['prod_review_gold'] });
    const ents = await app.db.select().from(entitlements).where(eq(entitlements.subscriptionStripeId, sub.id));
    expect(Object.fromEntries(ents.map((e) => [e.productStripeId, e.active]))).toEqual({ prod_demo_membership: false, prod_review_gold: true });
  });

  it('a switch and a switch back delivered at once: only the product the subscription ends with stays granted', async () => {
    for (let round = 0; round < 8; round++) {
      const created = event('customer.subscription.created', { created: Math.floor(Date.now() / 1000) - 60 });
      const sub = created.data.object;
      const item = sub.items.data[0];
      const gold = { ...item, id: `si_gold_${round}`, price: { ...item.price, id: 'price_review_gold', product: 'prod_review_gold' } };
      expect((await deliver(app, created)).status).toBe(200);
      const toGold = event('customer.subscription.updated', { created: created.created + 1, data: { object: { id: sub.id } } });
      toGold.data.object = { ...sub, items: { ...sub.items, data: [gold] } };
      const back = event('customer.subscription.updated', { created: created.created + 2, data: { object: { ...sub } } });
      const results = await Promise.all([deliver(app, toGold), deliver(app, back)]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      const ents = await app.db.select().from(entitlements).where(eq(entitlements.subscriptionStripeId, sub.id));
      expect(Object.fromEntries(ents.filter((e) => e.active).map((e) => [e.productStripeId, true]))).toEqual({ prod_demo_membership: true });
    }
  });
});
