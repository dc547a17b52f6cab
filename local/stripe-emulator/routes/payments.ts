import type { Emu } from '../context.js';
import { ApiError, invalidParam, missingParam, missingReference } from '../errors.js';
import { expand, expandList } from '../expand.js';
import { paginate } from '../list.js';
import { buildPaymentIntent, buildRefund } from '../objects/payments.js';
import { bool, expandList as expandParam, int, metadata, obj, requireInt, requireStr, str } from '../params.js';
import { declinePayment, emitSucceeded, settlePayment } from '../payment-flow.js';
import { route, type ApiRequest } from '../router.js';
import type { StripeObject } from '../types.js';

function unexpectedState(pi: StripeObject, action: string): ApiError {
  return new ApiError(400, 'invalid_request_error', `You cannot ${action} this PaymentIntent because it has a status of ${pi.status}.`, 'payment_intent_unexpected_state', undefined, { payment_intent: pi });
}

function confirm(emu: Emu, pi: StripeObject, req: ApiRequest): StripeObject {
  if (!['requires_payment_method', 'requires_confirmation'].includes(pi.status)) throw unexpectedState(pi, 'confirm');
  const pm = str(req.params, 'payment_method') ?? pi.payment_method;
  if (!pm) throw missingParam('payment_method');
  const payer = { email: pi.receipt_email, name: null };
  if (/declined/i.test(pm)) {
    declinePayment(emu, pi, payer, req.ctx);
    throw new ApiError(402, 'card_error', 'Your card was declined.', 'card_declined', undefined, {
      decline_code: 'generic_decline',
      charge: pi.latest_charge,
      payment_intent: structuredClone(pi),
    });
  }
  const charge = settlePayment(emu, pi, 'card', payer);
  emitSucceeded(emu, pi, charge, req.ctx);
  return pi;
}

function createIntent(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const amount = requireInt(p, 'amount');
  if (amount < 1) throw invalidParam('amount', 'Amount must be at least 1.', 'amount_too_small');
  const destination = str(obj(p, 'transfer_data'), 'destination') ?? null;
  if (destination && !emu.store.find(destination)) throw missingReference('account', destination, 'transfer_data[destination]');
  const pi = emu.store.put(
    buildPaymentIntent({
      amount,
      currency: requireStr(p, 'currency'),
      metadata: metadata(p),
      applicationFeeAmount: int(p, 'application_fee_amount') ?? null,
      transferDestination: destination,
      customer: str(p, 'customer') ?? null,
      receiptEmail: str(p, 'receipt_email') ?? null,
      description: str(p, 'description') ?? null,
    }),
  );
  if (bool(obj(p, 'automatic_payment_methods'), 'enabled')) pi.automatic_payment_methods = { allow_redirects: 'always', enabled: true };
  const pm = str(p, 'payment_method');
  if (pm) Object.assign(pi, { status: 'requires_confirmation', payment_method: pm });
  if (bool(p, 'confirm')) confirm(emu, pi, req);
  return expand(emu, pi, expandParam(p));
}

function cancelIntent(emu: Emu, req: ApiRequest): StripeObject {
  const pi = emu.store.get('payment_intent', req.path.id!);
  if (['succeeded', 'canceled', 'processing'].includes(pi.status)) throw unexpectedState(pi, 'cancel');
  Object.assign(pi, { status: 'canceled', canceled_at: Math.floor(Date.now() / 1000), cancellation_reason: str(req.params, 'cancellation_reason') ?? null });
  emu.events.emit('payment_intent.canceled', pi, { ctx: req.ctx });
  return expand(emu, pi, expandParam(req.params));
}

function chargeForRefund(emu: Emu, req: ApiRequest): StripeObject {
  const chargeId = str(req.params, 'charge');
  const piId = str(req.params, 'payment_intent');
  if (chargeId) {
    const c = emu.store.find(chargeId);
    if (!c || c.object !== 'charge') throw missingReference('charge', chargeId, 'charge');
    return c;
  }
  if (!piId) throw missingParam('charge');
  const pi = emu.store.find(piId);
  if (!pi || pi.object !== 'payment_intent') throw missingReference('payment_intent', piId, 'payment_intent');
  if (pi.status !== 'succeeded' || !pi.latest_charge) {
    throw new ApiError(400, 'invalid_request_error', `This PaymentIntent (${piId}) does not have a successful charge to refund.`, 'charge_not_refundable', 'payment_intent');
  }
  return emu.store.get('charge', pi.latest_charge);
}

function createRefund(emu: Emu, req: ApiRequest): StripeObject {
  const charge = chargeForRefund(emu, req);
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) throw new ApiError(400, 'invalid_request_error', `Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
  const amount = int(req.params, 'amount') ?? remaining;
  if (amount < 1 || amount > remaining) {
    throw new ApiError(400, 'invalid_request_error', `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining}).`, 'amount_too_large', 'amount');
  }
  const refund = emu.store.put(buildRefund(charge, amount, str(req.params, 'reason') ?? null, metadata(req.params)));
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
  emu.events.emit('charge.refunded', charge, { ctx: req.ctx, previousAttributes: previous });
  emu.events.emit('refund.created', refund, { ctx: req.ctx });
  return expand(emu, refund, expandParam(req.params));
}

function listBy(kind: string, url: string, filterKey: string) {
  return (emu: Emu, req: ApiRequest): StripeObject => {
    const value = str(req.params, filterKey);
    const items = emu.store.all(kind).filter((o) => !value || o[filterKey] === value);
    return expandList(emu, paginate(items, req.params, url), expandParam(req.params));
  };
}

const retrieve = (kind: string) => (emu: Emu, req: ApiRequest) => expand(emu, emu.store.get(kind, req.path.id!), expandParam(req.params));

export const paymentRoutes = [
  route('POST', '/v1/payment_intents', createIntent),
  route('GET', '/v1/payment_intents', listBy('payment_intent', '/v1/payment_intents', 'customer')),
  route('GET', '/v1/payment_intents/:id', retrieve('payment_intent')),
  route('POST', '/v1/payment_intents/:id/confirm', (emu, req) => expand(emu, confirm(emu, emu.store.get('payment_intent', req.path.id!), req), expandParam(req.params))),
  route('POST', '/v1/payment_intents/:id/cancel', cancelIntent),
  route('GET', '/v1/charges', listBy('charge', '/v1/charges', 'payment_intent')),
  route('GET', '/v1/charges/:id', retrieve('charge')),
  route('POST', '/v1/refunds', createRefund),
  route('GET', '/v1/refunds', listBy('refund', '/v1/refunds', 'charge')),
  route('GET', '/v1/refunds/:id', retrieve('refund')),
  route('GET', '/v1/subscriptions/:id', retrieve('subscription')),
  route('GET', '/v1/invoices/:id', retrieve('invoice')),
];
