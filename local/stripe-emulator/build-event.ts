import { buildEventEnvelope } from './events.js';
import { nowSeconds } from './ids.js';
import { buildAccount, completeAccount } from './objects/account.js';
import { buildCustomer, buildInvoice, buildSubscription } from './objects/billing.js';
import { buildPrice, buildProduct } from './objects/catalog.js';
import { buildCheckoutSession, buildLineItem, customerDetails } from './objects/checkout-session.js';
import { buildCharge, buildDispute, buildPaymentIntent, buildPaymentMethod, buildRefund, declineError } from './objects/payments.js';
import { buildThinEvent } from './objects/v2-account.js';
import type { StripeObject } from './types.js';

const BASE_URL = 'http://127.0.0.1:12111';
const EMAIL = 'shopper@example.com';

function tshirtPrice(): StripeObject {
  return buildPrice({ id: 'price_demo_tshirt_usd', product: 'prod_demo_tshirt', unit_amount: 2500, currency: 'usd' });
}

function paidIntent(kind: 'card' | 'sepa_debit' = 'card'): { pi: StripeObject; charge: StripeObject } {
  const pi = buildPaymentIntent({ amount: 2500, currency: 'usd', receiptEmail: EMAIL });
  const pm = buildPaymentMethod(kind, EMAIL, 'Demo Shopper');
  const charge = buildCharge(pi, pm, BASE_URL);
  Object.assign(pi, { status: 'succeeded', amount_received: pi.amount, latest_charge: charge.id, payment_method: pm.id, payment_method_types: [pm.type] });
  return { pi, charge };
}

function declined(): { pi: StripeObject; charge: StripeObject } {
  const pi = buildPaymentIntent({ amount: 2500, currency: 'usd', receiptEmail: EMAIL });
  const pm = buildPaymentMethod('declined_card', EMAIL, 'Demo Shopper');
  const charge = buildCharge(pi, pm, BASE_URL, true);
  Object.assign(pi, { latest_charge: charge.id, last_payment_error: declineError(charge.id, pm) });
  return { pi, charge };
}

function session(status: 'open' | 'complete' | 'expired', paymentStatus: string, pi: StripeObject | null): StripeObject {
  const price = tshirtPrice();
  const line = buildLineItem({ price, product: buildProduct({ id: 'prod_demo_tshirt', name: 'Demo T-shirt' }), quantity: 1 });
  const s = buildCheckoutSession({
    mode: 'payment', lines: [line], currency: 'usd', successUrl: 'http://localhost:3000/success?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://localhost:3000/cancel', metadata: {}, clientReferenceId: null, customerEmail: null, customer: null, baseUrl: BASE_URL,
  });
  Object.assign(s, { status, payment_status: paymentStatus, payment_intent: pi?.id ?? null });
  if (status === 'complete') s.customer_details = customerDetails(EMAIL, 'Demo Shopper');
  if (status === 'expired') s.url = null;
  return s;
}

function subscriptionWorld(): { customer: StripeObject; sub: StripeObject; invoice: StripeObject } {
  const customer = buildCustomer({ email: EMAIL, name: 'Demo Shopper' });
  const price = buildPrice({ id: 'price_demo_membership_monthly', product: 'prod_demo_membership', unit_amount: 900, currency: 'usd', recurring: { interval: 'month' } });
  const sub = buildSubscription({ customer: customer.id, items: [{ price, quantity: 1 }] });
  const invoice = buildInvoice(sub, customer, true);
  sub.latest_invoice = invoice.id;
  return { customer, sub, invoice };
}

type Built = { object: StripeObject; previous?: StripeObject; connect?: boolean };

const BUILDERS: Record<string, () => Built> = {
  'checkout.session.completed': () => ({ object: session('complete', 'paid', paidIntent().pi) }),
  'checkout.session.async_payment_succeeded': () => ({ object: session('complete', 'paid', paidIntent('sepa_debit').pi) }),
  'checkout.session.async_payment_failed': () => ({ object: session('complete', 'unpaid', buildPaymentIntent({ amount: 2500, currency: 'usd' })) }),
  'checkout.session.expired': () => ({ object: session('expired', 'unpaid', null) }),
  'payment_intent.succeeded': () => ({ object: paidIntent().pi }),
  'payment_intent.payment_failed': () => ({ object: declined().pi }),
  'payment_intent.canceled': () => ({ object: { ...buildPaymentIntent({ amount: 2500, currency: 'usd' }), status: 'canceled', canceled_at: nowSeconds(), cancellation_reason: 'requested_by_customer' } }),
  'charge.succeeded': () => ({ object: paidIntent().charge }),
  'charge.failed': () => ({ object: declined().charge }),
  'charge.refunded': () => {
    const { charge } = paidIntent();
    Object.assign(charge, { amount_refunded: charge.amount, refunded: true });
    return { object: charge, previous: { amount_refunded: 0, refunded: false } };
  },
  'refund.created': () => ({ object: buildRefund(paidIntent().charge, 2500, null, {}) }),
  'charge.dispute.created': () => ({ object: buildDispute(paidIntent().charge) }),
  'account.updated': () => {
    const account = buildAccount({ email: 'seller@example.com', businessProfile: { name: 'Demo Seller' } });
    return { object: account, previous: completeAccount(account), connect: true };
  },
  'account.application.authorized': () => ({ object: application(), connect: true }),
  'account.application.deauthorized': () => ({ object: application(), connect: true }),
  'customer.created': () => ({ object: buildCustomer({ email: EMAIL, name: 'Demo Shopper' }) }),
  'customer.updated': () => ({ object: buildCustomer({ email: 'new@example.com', name: 'Demo Shopper' }), previous: { email: EMAIL } }),
  'customer.deleted': () => ({ object: buildCustomer({ email: EMAIL, name: 'Demo Shopper' }) }),
  'product.created': () => ({ object: buildProduct({ name: 'Demo Product', description: 'Made by the trigger CLI.' }) }),
  'product.updated': () => ({ object: buildProduct({ name: 'Demo Product (renamed)' }), previous: { name: 'Demo Product' } }),
  'price.created': () => ({ object: buildPrice({ product: 'prod_demo_tshirt', unit_amount: 2500, currency: 'usd' }) }),
  'customer.subscription.created': () => ({ object: subscriptionWorld().sub }),
  'customer.subscription.updated': () => {
    const { sub } = subscriptionWorld();
    sub.cancel_at_period_end = true;
    return { object: sub, previous: { cancel_at_period_end: false } };
  },
  'customer.subscription.deleted': () => ({ object: { ...subscriptionWorld().sub, status: 'canceled', canceled_at: nowSeconds(), ended_at: nowSeconds() } }),
  'invoice.paid': () => ({ object: subscriptionWorld().invoice }),
  'invoice.payment_failed': () => {
    const { sub, customer } = subscriptionWorld();
    return { object: { ...buildInvoice(sub, customer, false), attempt_count: 1, next_payment_attempt: nowSeconds() + 86400 } };
  },
};

function application(): StripeObject {
  return { id: 'ca_emulator_platform', object: 'application', name: 'Emulator Platform' };
}

export const TRIGGERABLE_EVENT_TYPES = [...Object.keys(BUILDERS), 'account.created', 'v2.core.account.created', 'v2.core.account.updated'];

function isPlainObject(v: unknown): v is StripeObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(target: StripeObject, source: StripeObject): StripeObject {
  for (const [k, v] of Object.entries(source)) {
    target[k] = isPlainObject(v) && isPlainObject(target[k]) ? deepMerge(target[k], v) : v;
  }
  return target;
}

/**
 * A realistic, unsigned event payload of `type`, built with the emulator's object builders.
 * `overrides` is deep-merged into the event (e.g. `{ account: 'acct_1', data: { object: { metadata } } }`).
 * v2.core.account.* types give a thin notification instead.
 */
export function buildEvent(type: string, overrides: StripeObject = {}): StripeObject {
  if (type.startsWith('v2.core.account.')) {
    const id = (overrides.related_object as StripeObject | undefined)?.id ?? buildAccount({}).id;
    return deepMerge(buildThinEvent(type, id, nowSeconds()), overrides);
  }
  const builder = BUILDERS[type === 'account.created' ? 'account.updated' : type];
  if (!builder) throw new Error(`Unsupported event type: ${type}. Supported: ${TRIGGERABLE_EVENT_TYPES.join(', ')}`);
  const built = builder();
  const account = built.connect ? (built.object.object === 'account' ? built.object.id : buildAccount({}).id) : undefined;
  const event = buildEventEnvelope(type, built.object, { account, previousAttributes: built.previous });
  event.request = { id: null, idempotency_key: null };
  return deepMerge(event, overrides);
}
