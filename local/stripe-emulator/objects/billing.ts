import { nowSeconds, randomId } from '../ids.js';
import type { StripeObject } from '../types.js';

export function buildCustomer(input: { email?: string | null; name?: string | null; metadata?: Record<string, string> }): StripeObject {
  return {
    id: randomId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: input.email ?? null,
    invoice_prefix: randomId('x', 8).slice(2).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: input.metadata ?? {},
    name: input.name ?? null,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

function addInterval(start: number, interval: string, count: number): number {
  const d = new Date(start * 1000);
  if (interval === 'year') d.setUTCFullYear(d.getUTCFullYear() + count);
  else if (interval === 'month') d.setUTCMonth(d.getUTCMonth() + count);
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7 * count);
  else d.setUTCDate(d.getUTCDate() + count);
  return Math.floor(d.getTime() / 1000);
}

export interface SubscriptionInput {
  customer: string;
  items: Array<{ price: StripeObject; quantity: number }>;
  metadata?: Record<string, string>;
  applicationFeePercent?: number | null;
  transferDestination?: string | null;
}

export function buildSubscription(input: SubscriptionInput): StripeObject {
  const id = randomId('sub');
  const start = nowSeconds();
  const items = input.items.map(({ price, quantity }) => ({
    id: randomId('si', 14),
    object: 'subscription_item',
    created: start,
    current_period_end: addInterval(start, price.recurring?.interval ?? 'month', price.recurring?.interval_count ?? 1),
    current_period_start: start,
    discounts: [],
    metadata: {},
    price,
    quantity,
    subscription: id,
    tax_rates: [],
  }));
  return {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: input.applicationFeePercent ?? null,
    automatic_tax: { enabled: false, liability: null },
    billing_cycle_anchor: start,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: start,
    currency: input.items[0]?.price.currency ?? 'usd',
    customer: input.customer,
    default_payment_method: null,
    description: null,
    discounts: [],
    ended_at: null,
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    metadata: input.metadata ?? {},
    on_behalf_of: null,
    pause_collection: null,
    start_date: start,
    status: 'active',
    transfer_data: input.transferDestination ? { amount_percent: null, destination: input.transferDestination } : null,
    trial_end: null,
    trial_start: null,
  };
}

export function buildInvoice(sub: StripeObject, customer: StripeObject, paid: boolean): StripeObject {
  const id = randomId('in');
  const lines = (sub.items.data as StripeObject[]).map((item) => ({
    id: randomId('il', 14),
    object: 'line_item',
    amount: item.price.unit_amount * item.quantity,
    currency: item.price.currency,
    description: `${item.quantity} × subscription`,
    invoice: id,
    metadata: {},
    period: { end: item.current_period_end, start: item.current_period_start },
    pricing: { price_details: { price: item.price.id, product: item.price.product }, type: 'price_details', unit_amount_decimal: String(item.price.unit_amount) },
    quantity: item.quantity,
  }));
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    amount_due: total,
    amount_paid: paid ? total : 0,
    amount_remaining: paid ? 0 : total,
    attempt_count: 1,
    attempted: true,
    billing_reason: 'subscription_create',
    collection_method: 'charge_automatically',
    created: nowSeconds(),
    currency: sub.currency,
    customer: customer.id,
    customer_email: customer.email,
    customer_name: customer.name,
    hosted_invoice_url: null,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    number: `EMU-${Math.floor(Math.random() * 1e6)}`,
    parent: { quote_details: null, subscription_details: { metadata: sub.metadata, subscription: sub.id }, type: 'subscription_details' },
    period_end: sub.created,
    period_start: sub.created,
    status: paid ? 'paid' : 'open',
    status_transitions: { finalized_at: sub.created, marked_uncollectible_at: null, paid_at: paid ? nowSeconds() : null, voided_at: null },
    subtotal: total,
    total,
  };
}
