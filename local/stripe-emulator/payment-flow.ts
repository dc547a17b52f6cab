import type { Emu } from './context.js';
import { buildCharge, buildPaymentMethod, declineError, type PaymentMethodKind } from './objects/payments.js';
import type { RequestContext, StripeObject } from './types.js';

export interface Payer {
  email: string | null;
  name: string | null;
}

/** Moves a PaymentIntent to succeeded with a new charge; emits nothing (callers order the events). */
export function settlePayment(emu: Emu, pi: StripeObject, kind: PaymentMethodKind, payer: Payer): StripeObject {
  const pm = buildPaymentMethod(kind, payer.email, payer.name);
  const charge = emu.store.put(buildCharge(pi, pm, emu.baseUrl));
  Object.assign(pi, {
    status: 'succeeded',
    amount_received: pi.amount,
    latest_charge: charge.id,
    payment_method: pm.id,
    payment_method_types: [pm.type],
    last_payment_error: null,
  });
  return charge;
}

export function emitSucceeded(emu: Emu, pi: StripeObject, charge: StripeObject, ctx?: RequestContext): void {
  emu.events.emit('payment_intent.succeeded', pi, { ctx });
  emu.events.emit('charge.succeeded', charge, { ctx });
}

export function startProcessing(emu: Emu, pi: StripeObject, payer: Payer): void {
  const pm = buildPaymentMethod('sepa_debit', payer.email, payer.name);
  Object.assign(pi, { status: 'processing', payment_method: pm.id, payment_method_types: ['sepa_debit'] });
}

/** A declined card: failed charge, PI back to requires_payment_method, both failure events. */
export function declinePayment(emu: Emu, pi: StripeObject, payer: Payer, ctx?: RequestContext): StripeObject {
  const pm = buildPaymentMethod('declined_card', payer.email, payer.name);
  const charge = emu.store.put(buildCharge(pi, pm, emu.baseUrl, true));
  Object.assign(pi, {
    status: 'requires_payment_method',
    latest_charge: charge.id,
    payment_method: null,
    last_payment_error: declineError(charge.id, pm),
  });
  emu.events.emit('payment_intent.payment_failed', pi, { ctx });
  emu.events.emit('charge.failed', charge, { ctx });
  return charge;
}
