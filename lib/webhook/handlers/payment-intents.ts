import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import type { OrderStatus } from '../../db/schema.js';
import { applyPayment } from '../../fulfilment/payment-order.js';
import { idOf } from '../../fulfilment/session-order.js';
import type { EventOf, HandlerMap } from '../types.js';

type IntentEvent = EventOf<'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'payment_intent.canceled'>;

async function applyIntent(tx: Db, event: IntentEvent, status: OrderStatus, claim: Claim) {
  const pi: Stripe.PaymentIntent = event.data.object;
  const order = await applyPayment(tx, {
    paymentIntentId: pi.id,
    status,
    currency: pi.currency,
    amount: pi.amount,
    chargeId: status === 'paid' ? idOf(pi.latest_charge) : null,
    email: pi.receipt_email,
    customerStripeId: idOf(pi.customer),
    // Destination charges are platform events: the seller is the transfer's destination.
    storeAccountId: event.account ?? idOf(pi.transfer_data?.destination) ?? idOf(pi.on_behalf_of),
    applicationFeeAmount: pi.application_fee_amount,
    eventCreated: event.created,
  }, claim);
  return `order ${order.status}`;
}

export const paymentIntentHandlers: HandlerMap = {
  'payment_intent.succeeded': (tx, event, claim) => applyIntent(tx, event, 'paid', claim),
  'payment_intent.payment_failed': (tx, event, claim) => applyIntent(tx, event, 'failed', claim),
  'payment_intent.canceled': (tx, event, claim) => applyIntent(tx, event, 'failed', claim),
};
