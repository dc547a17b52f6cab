import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { OrderStatus } from '../../db/schema.js';
import { applyCheckoutSession, sessionItems } from '../../fulfilment/checkout.js';
import type { EventOf, HandlerMap } from '../types.js';

type SessionEvent = EventOf<
  'checkout.session.completed' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed' | 'checkout.session.expired'
>;

async function applySession(tx: Db, event: SessionEvent, status?: OrderStatus) {
  const session: Stripe.Checkout.Session = event.data.object;
  if (session.mode === 'setup') return 'setup session: no order';
  const account = event.account ?? null;
  const items = await sessionItems(session, account);
  const order = await applyCheckoutSession(tx, session, items, { eventCreated: event.created, account, status });
  return `order ${order.status}`;
}

export const checkoutSessionHandlers: HandlerMap = {
  'checkout.session.completed': (tx, event) => applySession(tx, event),
  'checkout.session.async_payment_succeeded': (tx, event) => applySession(tx, event),
  'checkout.session.async_payment_failed': (tx, event) => applySession(tx, event, 'failed'),
  'checkout.session.expired': (tx, event) => applySession(tx, event),
};
