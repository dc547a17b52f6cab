import { randomBytes } from 'node:crypto';
import { buildEvent } from '../local/stripe-emulator/index.js';

type Event = Record<string, any>;

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/**
 * One shopper's purchase as Stripe delivers it: the session, its PaymentIntent and its charge,
 * sharing one payment intent id (so the order is created by whichever lands first and joined
 * by the others). The session carries its line items, as a session retrieved with
 * `expand: ['line_items']` would, so the benchmark measures our path, not a Stripe round trip.
 */
function purchase(): Event[] {
  const pi = rid('pi');
  const session = buildEvent('checkout.session.completed', { data: { object: { id: rid('cs'), payment_intent: pi } } });
  session.data.object.line_items = {
    object: 'list', has_more: false, url: '/v1/checkout/sessions/x/line_items',
    data: [{
      id: rid('li'), object: 'item', amount_subtotal: 2500, amount_total: 2500, currency: 'usd', description: 'Demo T-shirt', quantity: 1,
      price: { id: 'price_demo_tshirt_usd', object: 'price', product: 'prod_demo_tshirt', unit_amount: 2500, currency: 'usd', type: 'one_time' },
    }],
  };
  const intent = buildEvent('payment_intent.succeeded', { data: { object: { id: pi } } });
  const charge = buildEvent('charge.succeeded', { data: { object: { id: rid('ch'), payment_intent: pi } } });
  return [session, intent, charge];
}

/** A realistic mix: purchases dominate, then customers, catalogue and billing churn. */
export function eventMix(n: number): Event[] {
  const out: Event[] = [];
  const others = ['customer.created', 'customer.updated', 'product.updated', 'price.created', 'customer.subscription.updated', 'invoice.paid'];
  for (let i = 0; out.length < n; i++) {
    if (i % 3 !== 2) out.push(...purchase());
    else out.push(buildEvent(others[Math.floor(i / 3) % others.length]!));
  }
  return shuffle(out.slice(0, n));
}

/** One fresh event of each main type, for counting database round trips. */
export function oneOfEach(): Array<{ label: string; event: Event }> {
  const [session, intent, charge] = purchase();
  const [session2, , charge2] = purchase();
  return [
    { label: 'customer.created', event: buildEvent('customer.created') },
    { label: 'product.updated', event: buildEvent('product.updated') },
    { label: 'charge.succeeded (first sighting: creates the order)', event: charge2! },
    { label: 'checkout.session.completed (joins it, fulfils)', event: session2! },
    { label: 'checkout.session.completed (new order, fulfils)', event: session! },
    { label: 'payment_intent.succeeded (after the session)', event: intent! },
    { label: 'charge.succeeded (after the session)', event: charge! },
    { label: 'customer.subscription.updated', event: buildEvent('customer.subscription.updated') },
    { label: 'invoice.paid', event: buildEvent('invoice.paid') },
    { label: 'account.updated (first sighting: builds the store)', event: buildEvent('account.updated') },
    { label: 'issuing_card.created (ignored type)', event: { ...buildEvent('customer.created'), type: 'issuing_card.created' } },
    { label: 'duplicate delivery', event: session! },
  ];
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
