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

const others = ['customer.created', 'customer.updated', 'product.updated', 'price.created', 'customer.subscription.updated', 'invoice.paid'];

/** How often each type occurs in `eventMix`, in eighteenths. */
export const mixWeights: Record<string, number> = {
  'checkout.session.completed': 4, 'payment_intent.succeeded': 4, 'charge.succeeded': 4,
  ...Object.fromEntries(others.map((t) => [t, 1])),
};

/** A realistic mix: purchases dominate, then customers, catalogue and billing churn. */
export function eventMix(n: number): Event[] {
  const out: Event[] = [];
  for (let i = 0; out.length < n; i++) {
    if (i % 3 !== 2) out.push(...purchase());
    else out.push(buildEvent(others[Math.floor(i / 3) % others.length]!));
  }
  return shuffle(out.slice(0, n));
}

/**
 * One fresh event of each main type, for counting database round trips. `mix` marks the one
 * whose statements stand for that type of the mix when pgbench replays it.
 */
export function oneOfEach(): Array<{ label: string; event: Event; mix?: string }> {
  const [session, intent, charge] = purchase();
  const [session2, , charge2] = purchase();
  return [
    { label: 'customer.created', event: buildEvent('customer.created'), mix: 'customer.created' },
    { label: 'customer.updated', event: buildEvent('customer.updated'), mix: 'customer.updated' },
    { label: 'product.updated', event: buildEvent('product.updated'), mix: 'product.updated' },
    { label: 'price.created', event: buildEvent('price.created'), mix: 'price.created' },
    { label: 'charge.succeeded (first sighting: creates the order)', event: charge2!, mix: 'charge.succeeded' },
    { label: 'checkout.session.completed (joins it, fulfils)', event: session2! },
    { label: 'checkout.session.completed (new order, fulfils)', event: session!, mix: 'checkout.session.completed' },
    { label: 'payment_intent.succeeded (after the session)', event: intent!, mix: 'payment_intent.succeeded' },
    { label: 'charge.succeeded (after the session)', event: charge! },
    { label: 'customer.subscription.updated', event: buildEvent('customer.subscription.updated'), mix: 'customer.subscription.updated' },
    { label: 'invoice.paid', event: buildEvent('invoice.paid'), mix: 'invoice.paid' },
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
