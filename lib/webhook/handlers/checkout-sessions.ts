import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import type { OrderStatus } from '../../db/schema.js';
import { applyCheckoutSession, sessionItems } from '../../fulfilment/checkout.js';
import type { EventOf, HandlerMap } from '../types.js';

type SessionEvent = EventOf<
  'checkout.session.completed' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed' | 'checkout.session.expired'
>;

async function applySession(tx: Db, event: SessionEvent, claim: Claim, status?: OrderStatus) {
  const session: Stripe.Checkout.Session = event.data.object;
  if (session.mode === 'setup') return 'setup session: no order';
  const account = event.account ?? null;
  const items = await sessionItems(session, account);
  const order = await applyCheckoutSession(tx, session, items, { eventCreated: event.created, account, status, claim });
  return `order ${order.status}`;
}

export const checkoutSessionHandlers: HandlerMap = {
  'checkout.session.completed': (tx, event, claim) => applySession(tx, event, claim),
  'checkout.session.async_payment_succeeded': (tx, event, claim) => applySession(tx, event, claim),
  'checkout.session.async_payment_failed': (tx, event, claim) => applySession(tx, event, claim, 'failed'),
  'checkout.session.expired': (tx, event, claim) => applySession(tx, event, claim),
};
