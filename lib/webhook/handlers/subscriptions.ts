import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import { p } from '../../db/prepared.js';
import { claimingStatement, type Claim } from '../claim.js';
import { getStripe } from '../../stripe/client.js';
import { idOf } from '../../fulfilment/session-order.js';
import { outcomeNote, syncOrdered, syncStatement } from '../sync-object.js';
import { onAccount, type EventOf, type HandlerMap } from '../types.js';

type SubscriptionEvent = EventOf<'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted'>;
type InvoiceEvent = EventOf<'invoice.paid' | 'invoice.payment_failed'>;

const GRANTING = new Set(['active', 'trialing']);
// A paused subscription (a trial ended without a payment method) bills nothing.
const REVOKING = new Set(['canceled', 'unpaid', 'incomplete_expired', 'paused']);
// Only ever after `active`: seen first (its active event late), it implies the grant.
const IMPLIES_GRANTED = new Set(['past_due']);

function values(sub: Stripe.Subscription, event: SubscriptionEvent) {
  const items = sub.items.data;
  // Since API 2025-03-31 the billing period lives on each item, not on the subscription.
  const period = items[0];
  return {
    stripeId: sub.id,
    customerStripeId: idOf(sub.customer),
    account: event.account ?? idOf(sub.transfer_data?.destination),
    status: sub.status,
    priceIds: JSON.stringify(items.map((i) => i.price.id)),
    productIds: JSON.stringify([...new Set(items.map((i) => idOf(i.price.product)).filter((p): p is string => p !== null))]),
    periodStart: period?.current_period_start ?? null,
    periodEnd: period?.current_period_end ?? null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    lastEventAt: event.created,
  };
}

// Entitlements follow the subscription in the same statement: one per product, granted while
// `active`/`trialing`, revoked once `canceled`/`unpaid`/`paused`; other statuses leave them
// (`follow`), except that `past_due` grants a product that has no row yet (`fill`). The email
// is the customer's current one.
// A product the subscription no longer includes (a plan switched) is revoked whatever the
// status (`dropped`: the locked row's products less the new ones), once the item list is
// complete (a first page would revoke the rest). An insert, not an update: ON CONFLICT finds
// the grant of a concurrent switch that an update would not see (a product never granted
// gets a row already revoked).
const upsertSubscription = syncStatement('subscriptions', {
  columns: 'customer_stripe_id, status, price_ids, product_ids, current_period_start, current_period_end, cancel_at_period_end',
  values: sql`${p('customerStripeId')}, ${p('status')}, ${p('priceIds')}::jsonb, ${p('productIds')}::jsonb,
    ${p('periodStart')}, ${p('periodEnd')}, ${p('cancelAtPeriodEnd')}`,
  set: sql`customer_stripe_id = excluded.customer_stripe_id, status = excluded.status, price_ids = excluded.price_ids,
    previous_product_ids = subscriptions.product_ids,
    product_ids = excluded.product_ids, current_period_start = excluded.current_period_start,
    current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end`,
  then: sql`, entitled as (
    insert into entitlements (subscription_stripe_id, product_stripe_id, customer_stripe_id, email, active, revoked_at)
    select ${p('stripeId')}, product, ${p('customerStripeId')},
      (select email from customers where stripe_id = ${p('customerStripeId')}),
      ${p('active')}::boolean, case when ${p('active')}::boolean then null else now() end
    from up, jsonb_array_elements_text(${p('productIds')}::jsonb) as product
    where ${p('follow')}::boolean or ${p('fill')}::boolean
    on conflict (subscription_stripe_id, product_stripe_id) do update set
      email = coalesce(excluded.email, entitlements.email),
      active = excluded.active,
      revoked_at = excluded.revoked_at,
      granted_at = case when excluded.active and not entitlements.active then now() else entitlements.granted_at end
    where ${p('follow')}::boolean),
  dropped as (
    insert into entitlements (subscription_stripe_id, product_stripe_id, customer_stripe_id, active, revoked_at)
    select ${p('stripeId')}, product, ${p('customerStripeId')}, false, now()
    from up, jsonb_array_elements_text(up.previous_product_ids) as product
    where ${p('complete')}::boolean and not (up.product_ids ? product)
    on conflict (subscription_stripe_id, product_stripe_id) do update set active = false,
      revoked_at = coalesce(entitlements.revoked_at, excluded.revoked_at)
    where entitlements.active)`,
  returning: 'previous_product_ids, product_ids',
});

async function syncSubscription(tx: Db, event: SubscriptionEvent, claim: Claim) {
  const result = await syncOrdered<Stripe.Subscription>(tx, 'subscriptions', {
    stripeId: event.data.object.id,
    object: event.data.object,
    created: event.created,
    write: (s, current, claim) => {
      const fill = IMPLIES_GRANTED.has(s.status);
      const active = GRANTING.has(s.status) || fill;
      return upsertSubscription(tx, {
        ...values(s, event), current, active, follow: GRANTING.has(s.status) || REVOKING.has(s.status), fill, complete: !s.items.has_more,
      }, claim);
    },
    refetch: () => getStripe().subscriptions.retrieve(event.data.object.id, {}, onAccount(event.account)),
    claim,
  });
  return outcomeNote(result, 'subscription');
}

// A placeholder row if the invoice came first; it has no event time, so the subscription's own
// events always win over it. The claim is named in that value so that it runs first (claim.ts).
// Out of order: a newer invoice (by its own `created`) replaces an older one's outcome, never the
// reverse, and an invoice once paid stays paid (a late `payment_failed` of an earlier attempt).
const recordInvoice = claimingStatement<{ applied: number }>('subscriptions_invoice', (claim) => sql`with ${claim.cte}up as (
  insert into subscriptions (stripe_id, customer_stripe_id, account_id, status,
    latest_invoice_status, latest_invoice_id, latest_invoice_created, last_event_at)
  values (${p('subscription')}, ${p('customer')}, ${p('account')}, 'incomplete',
    ${p('outcome')}, ${p('invoice')}, ${p('invoiceCreated')}::bigint, ${claim.marker(sql`null::bigint`)})
  on conflict (stripe_id) do update set latest_invoice_status = excluded.latest_invoice_status,
    latest_invoice_id = excluded.latest_invoice_id, latest_invoice_created = excluded.latest_invoice_created, updated_at = now()
  where subscriptions.latest_invoice_created is null
    or (excluded.latest_invoice_id = subscriptions.latest_invoice_id and subscriptions.latest_invoice_status <> 'paid')
    or (excluded.latest_invoice_id <> subscriptions.latest_invoice_id and excluded.latest_invoice_created >= subscriptions.latest_invoice_created)
  returning 1)
  select (select count(*)::int from up) as applied, ${claim.claimed} as claimed`);

/** The invoice outcome is recorded on its subscription, unless a newer invoice's already is. */
async function syncInvoice(tx: Db, event: InvoiceEvent, claim: Claim) {
  const invoice = event.data.object;
  const subscription = idOf(invoice.parent?.subscription_details?.subscription);
  if (!subscription) return 'invoice without subscription';
  const outcome = event.type === 'invoice.paid' ? 'paid' : 'payment_failed';
  const row = await recordInvoice(tx, {
    subscription, customer: idOf(invoice.customer), account: event.account ?? null, outcome,
    invoice: invoice.id, invoiceCreated: invoice.created,
  }, claim);
  if (!row?.applied) return `stale: a newer invoice, or this one paid, is already recorded on ${subscription}`;
  return `invoice ${outcome === 'paid' ? 'paid' : 'payment failed'} on ${subscription}`;
}

export const subscriptionHandlers: HandlerMap = {
  'customer.subscription.created': syncSubscription,
  'customer.subscription.updated': syncSubscription,
  'customer.subscription.deleted': syncSubscription,
  'invoice.paid': syncInvoice,
  'invoice.payment_failed': syncInvoice,
};
