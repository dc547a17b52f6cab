import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../local/stripe-emulator/index.js';
import { clickButton, startPair, verifiedEvents, type Receiver } from './support.js';

let emu: StripeEmulator;
let stripe: Stripe;
let hook: Receiver;

beforeEach(async () => {
  ({ emu, stripe, hook } = await startPair());
});
afterEach(async () => {
  await emu.close();
  await hook.close();
});

const SUCCESS = 'https://shop.test/success?session_id={CHECKOUT_SESSION_ID}';

function destinationSession(accountId: string, price = 'price_demo_tshirt_usd', quantity = 2): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price, quantity }],
    success_url: SUCCESS,
    cancel_url: 'https://shop.test/cancel',
    metadata: { order: 'o-1' },
    payment_intent_data: { application_fee_amount: 500, transfer_data: { destination: accountId }, metadata: { store: 'st-1' } },
  });
}

async function types(): Promise<string[]> {
  await emu.idle();
  return (await verifiedEvents(stripe, hook)).map((e) => e.type);
}

describe('hosted checkout page', () => {
  it('pays: session complete, PI and charge carry destination data, events in order', async () => {
    const seller = await stripe.accounts.create({ type: 'express' });
    const session = await destinationSession(seller.id);
    const html = await (await fetch(session.url!)).text();
    expect(html).toContain('Demo T-shirt');
    expect(html).toContain('× 2');
    expect(html).toContain('$50.00');
    expect(html).toMatch(/id="cancel" href="https:\/\/shop.test\/cancel"/);

    const res = await clickButton(session.url!, 'pay');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`https://shop.test/success?session_id=${session.id}`);

    expect(await types()).toEqual(['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded']);
    const [completed, succeeded, charged] = await verifiedEvents(stripe, hook);
    expect(completed!.account).toBeUndefined();
    const s = completed!.data.object as Stripe.Checkout.Session;
    expect(s).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', customer_details: { email: 'shopper@example.com' } });
    const pi = succeeded!.data.object as Stripe.PaymentIntent;
    expect(s.payment_intent).toBe(pi.id);
    expect(pi).toMatchObject({ status: 'succeeded', application_fee_amount: 500, transfer_data: { destination: seller.id }, metadata: { store: 'st-1' } });
    const charge = charged!.data.object as Stripe.Charge;
    expect(pi.latest_charge).toBe(charge.id);
    expect(charge).toMatchObject({ paid: true, amount_captured: 5000, application_fee_amount: 500, billing_details: { email: 'shopper@example.com' } });
    expect(charge.transfer_data?.destination).toBe(seller.id);
    expect(charge.balance_transaction).toMatch(/^txn_/);

    const again = await fetch(session.url!);
    expect(again.status).toBe(410);
    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
    expect(((expanded.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge).id).toBe(charge.id);
  });

  it('formats zero-decimal totals without decimals', async () => {
    const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_mug_jpy', quantity: 3 }], success_url: SUCCESS });
    const html = await (await fetch(s.url!)).text();
    expect(html).toMatch(/id="total">¥4,500</);
  });

  it('declines: session stays open, failure events, error shown; a later pay reuses the PI', async () => {
    const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_poster_eur', quantity: 1 }], success_url: SUCCESS, customer_email: 'b@example.com' });
    const res = await clickButton(s.url!, 'decline');
    expect(res.status).toBe(402);
    expect(await res.text()).toMatch(/id="error"[^>]*>Your card was declined\./);
    expect((await stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
    expect(await types()).toEqual(['payment_intent.payment_failed', 'charge.failed']);
    const failed = (await verifiedEvents(stripe, hook))[0]!.data.object as Stripe.PaymentIntent;
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });

    await clickButton(s.url!, 'pay');
    const events = (await types()).slice(2);
    expect(events).toEqual(['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded']);
    const paid = (await verifiedEvents(stripe, hook))[3]!.data.object as Stripe.PaymentIntent;
    expect(paid.id).toBe(failed.id);
    const done = (await verifiedEvents(stripe, hook))[2]!.data.object as Stripe.Checkout.Session;
    expect(done.customer_details?.email).toBe('b@example.com');
  });

  it('delayed method: completes unpaid, then settles asynchronously', async () => {
    const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_poster_eur', quantity: 1 }], success_url: SUCCESS });
    const res = await clickButton(s.url!, 'delayed');
    expect(res.status).toBe(303);
    const right = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
    expect(right).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect((right.payment_intent as Stripe.PaymentIntent).status).toBe('processing');
    expect(await types()).toEqual([
      'checkout.session.completed',
      'checkout.session.async_payment_succeeded',
      'payment_intent.succeeded',
      'charge.succeeded',
    ]);
    const events = await verifiedEvents(stripe, hook);
    expect((events[0]!.data.object as Stripe.Checkout.Session).payment_status).toBe('unpaid');
    expect((events[1]!.data.object as Stripe.Checkout.Session).payment_status).toBe('paid');
    expect((events[3]!.data.object as Stripe.Charge).payment_method_details?.type).toBe('sepa_debit');
  });

  it('subscription mode: customer, subscription and paid invoice', async () => {
    const s = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_demo_membership_monthly', quantity: 1 }],
      success_url: SUCCESS,
      subscription_data: { application_fee_percent: 10, metadata: { plan: 'member' } },
    });
    await emu.completeCheckoutSession(s.id, 'paid');
    expect(await types()).toEqual(['customer.created', 'checkout.session.completed', 'customer.subscription.created', 'invoice.paid']);
    const [customer, completed, subEvent, invoiceEvent] = await verifiedEvents(stripe, hook);
    const session = completed!.data.object as Stripe.Checkout.Session;
    const sub = subEvent!.data.object as Stripe.Subscription;
    expect(session).toMatchObject({ payment_status: 'paid', payment_intent: null, subscription: sub.id, customer: (customer!.data.object as Stripe.Customer).id });
    expect(sub).toMatchObject({ status: 'active', application_fee_percent: 10, metadata: { plan: 'member' } });
    const item = sub.items.data[0]!;
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start + 27 * 86400);
    expect(invoiceEvent!.data.object).toMatchObject({ status: 'paid', amount_paid: 900 });
  });

  it('free orders complete with no_payment_required and no PaymentIntent', async () => {
    const price = await stripe.prices.create({ product: 'prod_demo_tshirt', unit_amount: 0, currency: 'usd' });
    const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: price.id, quantity: 1 }], success_url: SUCCESS });
    expect((await clickButton(s.url!, 'pay')).status).toBe(303);
    expect((await types()).filter((t) => t.startsWith('checkout') || t.startsWith('payment'))).toEqual(['checkout.session.completed']);
    expect(await stripe.checkout.sessions.retrieve(s.id)).toMatchObject({ status: 'complete', payment_status: 'no_payment_required', payment_intent: null });
  });

  it('expire emits checkout.session.expired', async () => {
    const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }], success_url: SUCCESS });
    await stripe.checkout.sessions.expire(s.id);
    expect(await types()).toEqual(['checkout.session.expired']);
    expect(((await verifiedEvents(stripe, hook))[0]!.data.object as Stripe.Checkout.Session).payment_intent).toBeNull();
  });

  it('refund after payment emits charge.refunded with cumulative amounts and refund.created', async () => {
    const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }], success_url: SUCCESS });
    await emu.completeCheckoutSession(s.id, 'paid');
    const pi = (await stripe.checkout.sessions.retrieve(s.id)).payment_intent as string;
    await stripe.refunds.create({ payment_intent: pi, amount: 1000 });
    await stripe.refunds.create({ payment_intent: pi });
    await emu.idle();
    const all = await verifiedEvents(stripe, hook);
    expect(all.slice(3).map((e) => e.type)).toEqual(['charge.refunded', 'refund.created', 'charge.refunded', 'refund.created']);
    const charges = all.filter((e) => e.type === 'charge.refunded').map((e) => e.data.object as Stripe.Charge);
    expect(charges.map((c) => [c.amount_refunded, c.refunded])).toEqual([[1000, false], [2500, true]]);
  });
});

describe('hosted onboarding page', () => {
  it('complete → account enabled, Connect account.updated signed with the connect secret, redirect to return_url', async () => {
    const account = await stripe.accounts.create({ type: 'express', email: 's@example.com', business_profile: { name: 'Sam Shop' } });
    const link = await stripe.accountLinks.create({ account: account.id, refresh_url: 'https://p.test/refresh', return_url: 'https://p.test/return', type: 'account_onboarding' });
    const html = await (await fetch(link.url)).text();
    expect(html).toContain('id="complete"');
    expect(html).toContain('id="abandon"');
    const res = await clickButton(link.url, 'complete');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://p.test/return');
    const after = await stripe.accounts.retrieve(account.id);
    expect(after).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true, requirements: { disabled_reason: null, currently_due: [] } });
    expect(after.business_profile?.name).toBe('Sam Shop');

    await emu.idle();
    const raw = hook.received.map((r) => JSON.parse(r.raw) as { type: string; object: string });
    expect(raw.map((r) => r.type)).toEqual(['v2.core.account.created', 'account.updated']);
    const thin = await stripe.parseEventNotificationAsync(hook.received[0]!.raw, hook.received[0]!.signature, 'whsec_test_platform');
    expect(thin.type).toBe('v2.core.account.created');
    const related = (await (thin as Stripe.Events.V2CoreAccountCreatedEventNotification).fetchRelatedObject()) as { id: string };
    expect(related.id).toBe(account.id);

    const updated = await stripe.webhooks.constructEventAsync(hook.received[1]!.raw, hook.received[1]!.signature, 'whsec_test_connect');
    expect(updated.account).toBe(account.id);
    expect((updated.data.object as Stripe.Account).charges_enabled).toBe(true);
    expect(updated.data.previous_attributes).toMatchObject({ charges_enabled: false });
    await expect(stripe.webhooks.constructEventAsync(hook.received[1]!.raw, hook.received[1]!.signature, 'whsec_test_platform')).rejects.toThrow();

    const reused = await fetch(link.url, { redirect: 'manual' });
    expect(reused.headers.get('location')).toBe('https://p.test/refresh');
  });

  it('abandon → refresh_url, account untouched', async () => {
    const account = await stripe.accounts.create({ type: 'express' });
    const link = await stripe.accountLinks.create({ account: account.id, refresh_url: 'https://p.test/refresh', return_url: 'https://p.test/return', type: 'account_onboarding' });
    const res = await clickButton(link.url, 'abandon');
    expect(res.headers.get('location')).toBe('https://p.test/refresh');
    expect((await stripe.accounts.retrieve(account.id)).charges_enabled).toBe(false);
    expect(business(await stripe.accounts.retrieve(account.id))).toBeNull();
  });
});

function business(a: Stripe.Account): string | null {
  return a.business_profile?.name ?? null;
}
