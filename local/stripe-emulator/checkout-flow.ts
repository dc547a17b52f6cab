import type { Emu } from './context.js';
import { ApiError } from './errors.js';
import { buildCustomer, buildInvoice, buildSubscription } from './objects/billing.js';
import { customerDetails } from './objects/checkout-session.js';
import { buildPaymentIntent } from './objects/payments.js';
import { declinePayment, emitSucceeded, settlePayment, startProcessing, type Payer } from './payment-flow.js';
import type { StripeObject } from './types.js';

export type CheckoutOutcome = 'paid' | 'declined' | 'delayed';

function payerFor(session: StripeObject): Payer {
  return { email: session.customer_email ?? 'shopper@example.com', name: 'Demo Shopper' };
}

function sessionPaymentIntent(emu: Emu, session: StripeObject): StripeObject {
  const extras = emu.store.sessionExtras.get(session.id);
  const existing = extras?.paymentIntentData.existingPi as string | undefined;
  if (existing) return emu.store.get('payment_intent', existing);
  const data = extras?.paymentIntentData ?? {};
  const pi = emu.store.put(
    buildPaymentIntent({
      amount: session.amount_total,
      currency: session.currency,
      metadata: data.metadata ?? {},
      applicationFeeAmount: data.applicationFeeAmount ?? null,
      transferDestination: data.transferDestination ?? null,
      customer: session.customer,
      receiptEmail: payerFor(session).email,
      description: data.description ?? null,
    }),
  );
  if (extras) extras.paymentIntentData.existingPi = pi.id;
  return pi;
}

function complete(session: StripeObject, paid: boolean): void {
  const payer = payerFor(session);
  session.status = 'complete';
  session.payment_status = paid ? 'paid' : 'unpaid';
  session.customer_details = customerDetails(payer.email ?? 'shopper@example.com', payer.name ?? 'Demo Shopper');
}

function payPayment(emu: Emu, session: StripeObject): void {
  if (session.amount_total === 0) {
    // Free orders complete without any PaymentIntent, like real Checkout.
    complete(session, true);
    session.payment_status = 'no_payment_required';
    emu.events.emit('checkout.session.completed', session);
    return;
  }
  const pi = sessionPaymentIntent(emu, session);
  const charge = settlePayment(emu, pi, 'card', payerFor(session));
  session.payment_intent = pi.id;
  complete(session, true);
  emu.events.emit('checkout.session.completed', session);
  emitSucceeded(emu, pi, charge);
}

function payDelayed(emu: Emu, session: StripeObject): void {
  const pi = sessionPaymentIntent(emu, session);
  startProcessing(emu, pi, payerFor(session));
  session.payment_intent = pi.id;
  complete(session, false);
  emu.events.emit('checkout.session.completed', session);
  emu.queue.later(emu.asyncSettleMs, () => {
    const charge = settlePayment(emu, pi, 'sepa_debit', payerFor(session));
    session.payment_status = 'paid';
    emu.events.emit('checkout.session.async_payment_succeeded', session);
    emitSucceeded(emu, pi, charge);
  });
}

function paySubscription(emu: Emu, session: StripeObject): void {
  const extras = emu.store.sessionExtras.get(session.id);
  const payer = payerFor(session);
  const existing = session.customer ? emu.store.find(session.customer) : undefined;
  const customer = existing ?? emu.store.put(buildCustomer({ email: payer.email, name: payer.name }));
  const data = extras?.subscriptionData ?? {};
  // As Stripe: the subscription holds the recurring prices; one-time ones go on its first invoice.
  const items = (extras?.lineItems ?? [])
    .filter((l) => (l.price as StripeObject).recurring)
    .map((l) => ({ price: l.price as StripeObject, quantity: l.quantity as number }));
  const sub = emu.store.put(
    buildSubscription({
      customer: customer.id,
      items,
      metadata: data.metadata ?? {},
      applicationFeePercent: data.applicationFeePercent ?? null,
      transferDestination: data.transferDestination ?? null,
    }),
  );
  const invoice = emu.store.put(buildInvoice(sub, customer, true));
  sub.latest_invoice = invoice.id;
  Object.assign(session, { customer: customer.id, subscription: sub.id, invoice: invoice.id });
  complete(session, true);
  if (!existing) emu.events.emit('customer.created', customer);
  emu.events.emit('checkout.session.completed', session);
  emu.events.emit('customer.subscription.created', sub);
  emu.events.emit('invoice.paid', invoice);
}

/** What the hosted page's buttons do. Returns false when the card was declined. */
export function completeCheckout(emu: Emu, sessionId: string, outcome: CheckoutOutcome): boolean {
  const session = emu.store.get('checkout.session', sessionId);
  if (session.status !== 'open') {
    throw new ApiError(400, 'invalid_request_error', `Checkout session ${sessionId} is ${session.status}.`, 'checkout_session_not_open');
  }
  if (session.mode === 'subscription') {
    if (outcome === 'declined') return false;
    paySubscription(emu, session);
    return true;
  }
  if (outcome === 'declined') {
    declinePayment(emu, sessionPaymentIntent(emu, session), payerFor(session));
    return false;
  }
  if (outcome === 'delayed' && session.amount_total > 0) payDelayed(emu, session);
  else payPayment(emu, session);
  return true;
}

export function expireCheckout(emu: Emu, sessionId: string, ctx?: import('./types.js').RequestContext): StripeObject {
  const session = emu.store.get('checkout.session', sessionId);
  if (session.status !== 'open') {
    throw new ApiError(400, 'invalid_request_error', `Only Checkout Sessions with a status of \`open\` can be expired. This session has a status of \`${session.status}\`.`, 'checkout_session_not_open');
  }
  session.status = 'expired';
  session.url = null;
  emu.events.emit('checkout.session.expired', session, { ctx });
  return session;
}
