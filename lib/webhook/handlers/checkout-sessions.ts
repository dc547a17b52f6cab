import type Stripe from 'stripe';
import type { OrderStatus } from '../../db/schema.js';
import { applyCheckoutSession, sessionItems } from '../../fulfilment/checkout.js';
import type { EventOf, HandlerMap, ReadsFirst } from '../types.js';

type SessionEvent = EventOf<
  'checkout.session.completed' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed' | 'checkout.session.expired'
>;

// The line items are read from Stripe (unless the session was expanded) before the transaction.
function applySession(status?: OrderStatus): ReadsFirst<SessionEvent> {
  return {
    async readsFirst(event) {
      const session: Stripe.Checkout.Session = event.data.object;
      if (session.mode === 'setup') return async () => 'setup session: no order';
      const account = event.account ?? null;
      const items = await sessionItems(session, account);
      return async (tx, claim) => {
        const order = await applyCheckoutSession(tx, session, items, { eventCreated: event.created, account, status, claim });
        return `order ${order.status}`;
      };
    },
  };
}

export const checkoutSessionHandlers: HandlerMap = {
  'checkout.session.completed': applySession(),
  'checkout.session.async_payment_succeeded': applySession(),
  'checkout.session.async_payment_failed': applySession('failed'),
  'checkout.session.expired': applySession(),
};
