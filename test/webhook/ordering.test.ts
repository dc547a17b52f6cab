import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, emailOutbox, entitlements, orders, products, stores, subscriptions } from '../../lib/db/schema.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { as, deliver, driver, event, orderBySession, purchase, sdkFor, type Purchase } from './support.js';

describe('ordering: late, early and same-second events end in the natural order\'s state', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  async function sendInOrder(p: Purchase, types: string[]) {
    for (const t of types) {
      const e = p.events.get(t);
      if (!e) throw new Error(`no ${t} event; have ${[...p.events.keys()].join(', ')}`);
      expect((await deliver(app, e)).status).toBe(200);
    }
  }

  /** The order's observable final state, without ids and times. */
  async function finalState(sessionId: string) {
    const all = await app.db.select().from(orders).where(eq(orders.paymentIntentId, (await orderBySession(app, sessionId))!.paymentIntentId!));
    expect(all).toHaveLength(1);
    const o = all[0]!;
    const ents = await app.db.select().from(entitlements).where(eq(entitlements.orderId, o.id));
    const mail = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, o.id));
    return {
      status: o.status, amountTotal: o.amountTotal, amountRefunded: o.amountRefunded, hasCharge: o.chargeId !== null,
      hasReceipt: o.receiptUrl !== null, items: o.items.length, email: o.email, fulfilled: o.fulfilledAt !== null,
      paid: o.paidAt !== null, entitlements: ents.map((e) => ({ product: e.productStripeId, active: e.active })), emails: mail.length,
    };
  }

  it('a charge and payment intent before their checkout session: one order, joined, fulfilled once', async () => {
    const early = await purchase(app.emulator!, stripe);
    await sendInOrder(early, ['charge.succeeded', 'payment_intent.succeeded']);
    const before = await app.db.select().from(orders).where(eq(orders.paymentIntentId, early.paymentIntentId));
    expect(before).toEqual([expect.objectContaining({ status: 'paid', checkoutSessionId: null, fulfilledAt: null, items: [] })]);
    await sendInOrder(early, ['checkout.session.completed']);

    const natural = await purchase(app.emulator!, stripe);
    await sendInOrder(natural, ['checkout.session.completed', 'charge.succeeded', 'payment_intent.succeeded']);

    const expected = {
      status: 'paid', amountTotal: 2500, amountRefunded: 0, hasCharge: true, hasReceipt: true, items: 1,
      email: 'shopper@example.com', fulfilled: true, paid: true,
      entitlements: [{ product: 'prod_demo_tshirt', active: true }], emails: 1,
    };
    expect(await finalState(early.session.id)).toEqual(expected);
    expect(await finalState(natural.session.id)).toEqual(expected);
  });

  it('a full refund delivered before the event that marked the order paid', async () => {
    const make = async () => {
      const p = await purchase(app.emulator!, stripe);
      await stripe.refunds.create({ payment_intent: p.paymentIntentId });
      return purchaseEvents(p);
    };
    const early = await make();
    await sendInOrder(early, ['charge.refunded', 'checkout.session.completed', 'charge.succeeded']);
    const natural = await make();
    await sendInOrder(natural, ['checkout.session.completed', 'charge.succeeded', 'charge.refunded']);

    const expected = {
      status: 'refunded', amountTotal: 2500, amountRefunded: 2500, hasCharge: true, hasReceipt: true, items: 1,
      email: 'shopper@example.com', fulfilled: true, paid: true,
      entitlements: [{ product: 'prod_demo_tshirt', active: false }], emails: 1,
    };
    expect(await finalState(early.session.id)).toEqual(expected);
    expect(await finalState(natural.session.id)).toEqual(expected);
  });

  async function purchaseEvents(p: Purchase): Promise<Purchase> {
    for await (const e of stripe.events.list({ limit: 100 })) {
      const o = e.data.object as { payment_intent?: string };
      if (o.payment_intent === p.paymentIntentId && !p.events.has(e.type)) p.events.set(e.type, e);
    }
    return p;
  }

  async function newAccount(name: string) {
    return stripe.accounts.create({ country: 'US', email: `${name.toLowerCase().replace(/\W/g, '')}@example.com`, business_profile: { name } });
  }
  const storeOf = async (accountId: string) => (await app.db.select().from(stores).where(eq(stores.accountId, accountId)))[0];

  it('a thin v2.core.account.updated before any v1 account event builds the store from the fetched account', async () => {
    const before = await newAccount('Thin First Goods');
    await app.emulator!.completeOnboarding(before.id);
    const now = Math.floor(Date.now() / 1000);
    const thin = event('v2.core.account.updated', { related_object: { id: before.id }, created: new Date(now * 1000).toISOString() });
    expect(await deliver(app, thin, { secret: TEST_CONNECT_WEBHOOK_SECRET })).toEqual({ status: 200, body: { status: 'processed', reason: 'store active' } });
    // The v1 snapshot from before onboarding, created earlier, arrives late: it must not win.
    const stale = event('account.updated', { account: before.id, created: now - 30, data: { object: { ...before } } });
    expect((await deliver(app, stale, { secret: TEST_CONNECT_WEBHOOK_SECRET })).body.reason).toMatch(/^stale/);
    expect(await storeOf(before.id)).toMatchObject({ status: 'active', chargesEnabled: true, name: 'Thin First Goods', slug: 'thin-first-goods' });
  });

  it('a stale account.updated after a newer one changes nothing; natural order ends the same', async () => {
    const account = await newAccount('Late Mail Shop');
    const pending = await stripe.accounts.retrieve(account.id);
    await app.emulator!.completeOnboarding(account.id);
    const active = await stripe.accounts.retrieve(account.id);
    const now = Math.floor(Date.now() / 1000);
    const older = event('account.updated', { account: account.id, created: now - 60, data: { object: pending } });
    const newer = event('account.updated', { account: account.id, created: now - 10, data: { object: active } });
    await deliver(app, newer);
    await deliver(app, older);
    const store = (await storeOf(account.id))!;
    expect(store).toMatchObject({ status: 'active', chargesEnabled: true, payoutsEnabled: true, disabledReason: null, lastEventAt: now - 10 });
    expect(store.settings).toEqual({ currency: 'usd', feeBps: 250 });
  });

  it('two customer updates in the same second, newest first: Stripe\'s current state wins, not arrival order', async () => {
    const c = await stripe.customers.create({ email: 'a@example.com', name: 'Tie' });
    const b = await stripe.customers.update(c.id, { email: 'b@example.com' });
    const current = await stripe.customers.update(c.id, { email: 'c@example.com' });
    const second = Math.floor(Date.now() / 1000);
    const first = event('customer.updated', { created: second, data: { object: b } });
    const last = event('customer.updated', { created: second, data: { object: current } });
    await deliver(app, last);
    const res = await deliver(app, first);
    expect(res.body.reason).toMatch(/tie settled/);
    const [row] = await app.db.select().from(customers).where(eq(customers.stripeId, c.id));
    expect(row).toMatchObject({ email: 'c@example.com', lastEventAt: second });
  });
  it('invoices out of order: a subscription keeps its newest invoice\'s outcome, and a paid invoice stays paid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const invoiceEvent = (type: 'invoice.paid' | 'invoice.payment_failed', subscription: string, invoice: string, created: number) =>
      event(type, {
        created: created + 5,
        data: { object: { id: invoice, created, parent: { subscription_details: { subscription } } } },
      });
    const latest = async (subscription: string) => {
      const [row] = await app.db.select().from(subscriptions).where(eq(subscriptions.stripeId, subscription));
      return { status: row!.latestInvoiceStatus, invoice: row!.latestInvoiceId };
    };
    // One invoice: its first attempt failed, the retry paid; the failure arrives last.
    const retried = `sub_retried_${now}`;
    const paid = invoiceEvent('invoice.paid', retried, `in_retry_${now}`, now - 100);
    const failed = invoiceEvent('invoice.payment_failed', retried, `in_retry_${now}`, now - 100);
    expect((await deliver(app, paid)).body.reason).toBe(`invoice paid on ${retried}`);
    const late = await deliver(app, failed);
    expect(late).toMatchObject({ status: 200, body: { status: 'processed', reason: expect.stringMatching(/^stale/) } });
    expect(await latest(retried)).toEqual({ status: 'paid', invoice: `in_retry_${now}` });

    // Two invoices: last month's paid one arrives after this month's failure.
    const monthly = `sub_monthly_${now}`;
    const older = invoiceEvent('invoice.paid', monthly, `in_old_${now}`, now - 86_400 * 30);
    const newer = invoiceEvent('invoice.payment_failed', monthly, `in_new_${now}`, now - 60);
    await deliver(app, newer);
    expect((await deliver(app, older)).body.reason).toMatch(/^stale/);
    expect(await latest(monthly)).toEqual({ status: 'payment_failed', invoice: `in_new_${now}` });

    // The natural order of the same deliveries ends in the same state.
    const natural = `sub_natural_${now}`;
    for (const e of [
      invoiceEvent('invoice.payment_failed', natural, `in_retry_n_${now}`, now - 100),
      invoiceEvent('invoice.paid', natural, `in_retry_n_${now}`, now - 100),
    ]) await deliver(app, e);
    expect(await latest(natural)).toEqual({ status: 'paid', invoice: `in_retry_n_${now}` });
    for (const e of [older, newer].map((e) => invoiceEvent(e.type, natural, e.data.object.id.replace(/_\d+$/, `_n_${now}`), e.data.object.created))) {
      await deliver(app, e);
    }
    expect(await latest(natural)).toEqual({ status: 'payment_failed', invoice: `in_new_n_${now}` });
  });

  const connect = (e: object) => deliver(app, e, { secret: TEST_CONNECT_WEBHOOK_SECRET });
  const productOf = async (id: string) => (await app.db.select().from(products).where(eq(products.stripeId, id)))[0];
  const now = () => Math.floor(Date.now() / 1000);

  it('after a deauthorisation, a same-second account.updated tie is stale: the revoked account is not read to settle it', async () => {
    // The emulator does not know this account: reading it fails, as Stripe does once access is revoked.
    const built = event('account.updated', { data: { object: { business_profile: { name: 'Gone Gadgets' } } } });
    const id = built.data.object.id;
    const t = now() - 30;
    await connect({ ...built, id: `${built.id}_first`, created: t });
    expect((await connect(event('account.application.deauthorized', { account: id, created: t }))).body.reason).toBe('store disconnected');
    const res = await connect({ ...built, id: `${built.id}_tie`, account: id, created: t });
    expect(res).toMatchObject({ status: 200, body: { status: 'processed', reason: expect.stringMatching(/^stale/) } });
    expect(await storeOf(id)).toMatchObject({ status: 'disconnected', name: 'Gone Gadgets' });
  });

  it('a late account.application.authorized, older than the deauthorization, is stale: 200, not a failure to retry for days', async () => {
    const id = `acct_review_gone_${Date.now()}`;
    const t = now() - 30;
    expect((await connect(event('account.application.deauthorized', { account: id, created: t }))).status).toBe(200);
    const res = await connect(event('account.application.authorized', { account: id, created: t - 10 }));
    expect(res).toMatchObject({ status: 200, body: { status: 'processed', reason: expect.stringMatching(/^stale/) } });
    expect((await storeOf(id))!.status).toBe('disconnected');
  });

  it('a product.updated in the same second as product.deleted, delivered after it: 200 and still inactive (Stripe answers 404 for the deleted product)', async () => {
    // Never created in the emulator: retrieving it gives 404, as Stripe does for a deleted product.
    const p = event('product.created', { created: now() - 60 });
    const id = p.data.object.id;
    await deliver(app, p);
    const t = p.created + 10;
    expect((await deliver(app, as('product.deleted', event('product.updated', { created: t, data: { object: { id } } })))).status).toBe(200);
    const late = await deliver(app, event('product.updated', { created: t, data: { object: { id, name: 'Late rename' } } }));
    expect(late.status).toBe(200);
    expect((await productOf(id))!.active).toBe(false);
  });

  it('a subscription delivered before its customer: the entitlement gets the customer\'s email, as in the natural order', async () => {
    const created = event('customer.subscription.created', { created: now() - 60 });
    const sub = created.data.object;
    const customer = event('customer.created', { created: now() - 61, data: { object: { id: sub.customer, email: 'member@example.com' } } });
    await deliver(app, created);
    await deliver(app, customer);
    expect(await app.db.select().from(entitlements).where(eq(entitlements.subscriptionStripeId, sub.id)))
      .toEqual([expect.objectContaining({ productStripeId: 'prod_demo_membership', active: true, email: 'member@example.com' })]);
  });

  it('deauthorised, then authorised again: the authorisation reconnects the store even when a newer account.updated came first', async () => {
    const account = await newAccount('Come Back Crafts');
    await app.emulator!.completeOnboarding(account.id);
    const onboarded = await stripe.accounts.retrieve(account.id);
    const t = now() - 60;
    await connect(event('account.updated', { account: account.id, created: t, data: { object: onboarded } }));
    expect((await storeOf(account.id))!.status).toBe('active');

    const deauthorized = event('account.application.deauthorized', { account: account.id, created: t + 10 });
    const authorized = event('account.application.authorized', { account: account.id, created: t + 20 });
    const updated = event('account.updated', { account: account.id, created: t + 30, data: { object: onboarded } });
    // Natural order: deauthorized → authorized → updated ends `active`. Delivered: deauthorized, updated, authorized.
    expect((await connect(deauthorized)).body).toEqual({ status: 'processed', reason: 'store disconnected' });
    expect((await connect(updated)).status).toBe(200);
    expect((await connect(authorized)).status).toBe(200);
    expect(await storeOf(account.id)).toMatchObject({ status: 'active', chargesEnabled: true });
  });

  it('a deauthorisation seen before the account\'s older snapshot: the disconnected store still gets its name, slug and pages', async () => {
    const mk = async (name: string, order: 'natural' | 'deauth-first') => {
      const account = await newAccount(name);
      const t = now() - 60;
      const updated = event('account.updated', { account: account.id, created: t, data: { object: account } });
      const deauthorized = event('account.application.deauthorized', { account: account.id, created: t + 10 });
      for (const e of order === 'natural' ? [updated, deauthorized] : [deauthorized, updated]) expect((await connect(e)).status).toBe(200);
      const s = (await storeOf(account.id))!;
      return { status: s.status, name: s.name, slug: s.slug, home: s.pages[0]!.title, country: s.country, email: s.email };
    };
    const natural = await mk('Blink Bakery', 'natural');
    const late = await mk('Wink Bakery', 'deauth-first');
    expect(natural).toEqual({ status: 'disconnected', name: 'Blink Bakery', slug: 'blink-bakery', home: 'Blink Bakery', country: 'US', email: 'blinkbakery@example.com' });
    expect(late).toEqual({ status: 'disconnected', name: 'Wink Bakery', slug: 'wink-bakery', home: 'Wink Bakery', country: 'US', email: 'winkbakery@example.com' });
  });
});
