import { nowSeconds, randomId } from '../ids.js';
import type { StripeObject } from '../types.js';

export type PaymentMethodKind = 'card' | 'declined_card' | 'sepa_debit';

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  metadata?: Record<string, string>;
  applicationFeeAmount?: number | null;
  transferDestination?: string | null;
  customer?: string | null;
  receiptEmail?: string | null;
  description?: string | null;
  paymentMethodTypes?: string[];
}

export function buildPaymentIntent(input: PaymentIntentInput): StripeObject {
  const id = randomId('pi');
  return {
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: input.applicationFeeAmount ?? null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_${randomId('x', 20).slice(2)}`,
    confirmation_method: 'automatic',
    created: nowSeconds(),
    currency: input.currency,
    customer: input.customer ?? null,
    description: input.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_options: {},
    payment_method_types: input.paymentMethodTypes ?? ['card'],
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: input.transferDestination ? { destination: input.transferDestination } : null,
    transfer_group: null,
  };
}

export function buildPaymentMethod(kind: PaymentMethodKind, email: string | null, name: string | null): StripeObject {
  const billing_details = {
    address: { city: null, country: kind === 'sepa_debit' ? 'DE' : 'US', line1: null, line2: null, postal_code: '94107', state: null },
    email,
    name,
    phone: null,
    tax_id: null,
  };
  const base = { id: randomId('pm'), object: 'payment_method', billing_details, created: nowSeconds(), customer: null, livemode: false, metadata: {} };
  if (kind === 'sepa_debit') {
    return { ...base, type: 'sepa_debit', sepa_debit: { bank_code: '37040044', branch_code: '', country: 'DE', fingerprint: 'emuSepaFp', last4: '3000' } };
  }
  return { ...base, type: 'card', card: cardDetails(kind) };
}

function cardDetails(kind: PaymentMethodKind): StripeObject {
  return {
    brand: 'visa',
    checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
    country: 'US',
    display_brand: 'visa',
    exp_month: 12,
    exp_year: new Date().getUTCFullYear() + 3,
    fingerprint: kind === 'declined_card' ? 'emuDeclinedFp' : 'emuVisaFp',
    funding: 'credit',
    last4: kind === 'declined_card' ? '0002' : '4242',
    networks: { available: ['visa'], preferred: null },
  };
}

export function buildCharge(pi: StripeObject, pm: StripeObject, baseUrl: string, failed = false): StripeObject {
  const id = randomId('ch');
  const details = pm.type === 'sepa_debit' ? { sepa_debit: pm.sepa_debit, type: 'sepa_debit' } : { card: pm.card, type: 'card' };
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: failed ? 0 : pi.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: pi.application_fee_amount,
    balance_transaction: failed ? null : randomId('txn'),
    billing_details: pm.billing_details,
    calculated_statement_descriptor: 'EMULATOR',
    captured: !failed,
    created: nowSeconds(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failed ? 'card_declined' : null,
    failure_message: failed ? 'Your card was declined.' : null,
    fraud_details: {},
    livemode: false,
    metadata: pi.metadata,
    on_behalf_of: null,
    outcome: failed ? declinedOutcome() : approvedOutcome(),
    paid: !failed,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: details,
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${baseUrl}/receipts/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: failed ? 'failed' : 'succeeded',
    transfer: !failed && pi.transfer_data ? randomId('tr') : null,
    transfer_data: pi.transfer_data ? { amount: null, destination: pi.transfer_data.destination } : null,
    transfer_group: pi.transfer_group,
  };
}

function approvedOutcome(): StripeObject {
  return { network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 32, seller_message: 'Payment complete.', type: 'authorized' };
}

function declinedOutcome(): StripeObject {
  return {
    network_status: 'declined_by_network',
    reason: 'generic_decline',
    risk_level: 'normal',
    risk_score: 40,
    seller_message: 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}

export function declineError(chargeId: string, pm: StripeObject): StripeObject {
  return {
    charge: chargeId,
    code: 'card_declined',
    decline_code: 'generic_decline',
    doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    message: 'Your card was declined.',
    payment_method: pm,
    type: 'card_error',
  };
}

export function buildRefund(charge: StripeObject, amount: number, reason: string | null, metadata: Record<string, string>): StripeObject {
  return {
    id: randomId('re'),
    object: 'refund',
    amount,
    balance_transaction: randomId('txn'),
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    destination_details: null,
    metadata,
    payment_intent: charge.payment_intent,
    reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

export function buildDispute(charge: StripeObject): StripeObject {
  return {
    id: randomId('dp'),
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    evidence_details: { due_by: nowSeconds() + 7 * 86400, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: 'fraudulent',
    status: 'needs_response',
  };
}
