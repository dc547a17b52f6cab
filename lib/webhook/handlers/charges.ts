import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import type { OrderStatus } from '../../db/schema.js';
import { refundStatus } from '../../fulfilment/order-status.js';
import { applyPayment, type PaymentFacts } from '../../fulfilment/payment-order.js';
import { idOf } from '../../fulfilment/session-order.js';
import type { EventOf, HandlerMap } from '../types.js';

type ChargeEvent = EventOf<'charge.succeeded' | 'charge.failed' | 'charge.refunded'>;

function chargeFacts(charge: Stripe.Charge, event: ChargeEvent, status: OrderStatus): PaymentFacts | null {
  const pi = idOf(charge.payment_intent);
  if (!pi) return null;
  const succeeded = status !== 'failed';
  return {
    paymentIntentId: pi,
    status,
    currency: charge.currency,
    amount: charge.amount,
    chargeId: succeeded ? charge.id : null,
    receiptUrl: succeeded ? charge.receipt_url : null,
    email: charge.billing_details?.email ?? charge.receipt_email,
    customerStripeId: idOf(charge.customer),
    storeAccountId: event.account ?? idOf(charge.transfer_data?.destination) ?? idOf(charge.on_behalf_of),
    applicationFeeAmount: charge.application_fee_amount,
    amountRefunded: charge.amount_refunded,
    eventCreated: event.created,
  };
}

async function applyCharge(tx: Db, event: ChargeEvent, claim: Claim) {
  const charge = event.data.object;
  // `charge.refunded` fires for partial refunds too; `amount_refunded` is cumulative.
  const status: OrderStatus =
    event.type === 'charge.failed' ? 'failed'
      : event.type === 'charge.refunded' ? refundStatus(charge.amount_refunded, charge.amount)
        : 'paid';
  const facts = chargeFacts(charge, event, status);
  if (!facts) return 'charge without payment intent: not an order';
  return `order ${(await applyPayment(tx, facts, claim)).status}`;
}

async function disputeCreated(tx: Db, event: EventOf<'charge.dispute.created'>, claim: Claim) {
  const dispute = event.data.object;
  const pi = idOf(dispute.payment_intent);
  if (!pi) return 'dispute without payment intent: not an order';
  const order = await applyPayment(tx, {
    paymentIntentId: pi,
    status: 'disputed',
    currency: dispute.currency,
    amount: dispute.amount,
    amountIsTotal: false, // the disputed part; the charge's own events bring the total
    chargeId: idOf(dispute.charge),
    storeAccountId: event.account ?? null,
    eventCreated: event.created,
  }, claim);
  return `order ${order.status}`;
}

export const chargeHandlers: HandlerMap = {
  'charge.succeeded': applyCharge,
  'charge.failed': applyCharge,
  'charge.refunded': applyCharge,
  'charge.dispute.created': disputeCreated,
};
