import type Stripe from 'stripe';
import type { PurchasablePrice } from '../catalogue/price-lookup.js';
import { applicationFeeAmount, applicationFeePercent } from '../connect/fees.js';
import type { Store } from '../stores/queries.js';

export interface CheckoutPlan {
  price: PurchasablePrice;
  quantity: number;
  store: Store | null;
  /** Basis points the platform keeps on a store sale. */
  feeBps: number;
  baseUrl: string;
}

export interface PlannedSession {
  params: Stripe.Checkout.SessionCreateParams;
  mode: 'payment' | 'subscription';
  amountTotal: number;
  /** Only for one-off store sales; subscriptions take a percentage of each invoice instead. */
  applicationFeeAmount: number | null;
}

/**
 * The Checkout Session for one price. Amounts come from Stripe's price, never the client.
 * A store sale is a destination charge: the seller's account receives the payment and the
 * platform keeps its fee. https://docs.stripe.com/connect/destination-charges
 */
export function planSession(plan: CheckoutPlan): PlannedSession {
  const { price, quantity, store, baseUrl } = plan;
  const mode = price.recurring ? 'subscription' : 'payment';
  const amountTotal = price.unitAmount * quantity;
  const metadata: Record<string, string> = { source: 'create-checkout-session' };
  // The webhook joins an order it sees first to its store through store_account_id.
  if (store) Object.assign(metadata, { store: store.slug, store_account_id: store.accountId });
  const params: Stripe.Checkout.SessionCreateParams = {
    mode,
    line_items: [{ price: price.id, quantity }],
    // Stripe fills in {CHECKOUT_SESSION_ID}; the success page asks order-status with it. A
    // store's shopper is led back to that store (public/back-link.js), not the platform's shop.
    success_url: `${baseUrl}/success.html?session_id={CHECKOUT_SESSION_ID}${store ? `&store=${store.slug}` : ''}`,
    cancel_url: `${baseUrl}/canceled.html${store ? `?store=${store.slug}` : ''}`,
    metadata,
  };
  let fee: number | null = null;
  if (store && mode === 'payment') {
    fee = applicationFeeAmount(amountTotal, plan.feeBps, price.currency);
    params.payment_intent_data = {
      application_fee_amount: fee,
      transfer_data: { destination: store.accountId },
      metadata,
    };
  } else if (store) {
    params.subscription_data = {
      application_fee_percent: applicationFeePercent(plan.feeBps),
      transfer_data: { destination: store.accountId },
      metadata,
    };
  } else if (mode === 'payment') {
    params.payment_intent_data = { metadata };
  } else {
    params.subscription_data = { metadata };
  }
  return { params, mode, amountTotal, applicationFeeAmount: fee };
}
