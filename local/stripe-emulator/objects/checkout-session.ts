import { nowSeconds, randomId } from '../ids.js';
import type { StripeObject } from '../types.js';

export interface LineInput {
  price: StripeObject;
  product: StripeObject;
  quantity: number;
}

export function buildLineItem(line: LineInput): StripeObject {
  const amount = line.price.unit_amount * line.quantity;
  return {
    id: randomId('li', 24),
    object: 'item',
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: line.price.currency,
    description: line.product.name,
    price: line.price,
    quantity: line.quantity,
  };
}

export interface SessionInput {
  mode: 'payment' | 'subscription';
  lines: StripeObject[];
  currency: string;
  successUrl: string | null;
  cancelUrl: string | null;
  metadata: Record<string, string>;
  clientReferenceId: string | null;
  customerEmail: string | null;
  customer: string | null;
  baseUrl: string;
}

export function buildCheckoutSession(input: SessionInput): StripeObject {
  const id = randomId('cs_test', 58);
  const total = input.lines.reduce((sum, l) => sum + (l.amount_total as number), 0);
  const created = nowSeconds();
  return {
    id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    created,
    currency: input.currency,
    customer: input.customer,
    customer_creation: input.mode === 'payment' ? 'if_required' : null,
    customer_details: null,
    customer_email: input.customerEmail,
    expires_at: created + 24 * 3600,
    invoice: null,
    livemode: false,
    locale: null,
    metadata: input.metadata,
    mode: input.mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: input.mode === 'subscription' ? 'always' : 'if_required',
    payment_method_types: ['card'],
    payment_status: total === 0 && input.mode === 'payment' ? 'no_payment_required' : 'unpaid',
    recovered_from: null,
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${input.baseUrl}/checkout/${id}`,
  };
}

export function customerDetails(email: string, name: string): StripeObject {
  return { address: null, email, name, phone: null, tax_exempt: 'none', tax_ids: [] };
}
