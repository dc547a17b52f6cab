import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import { Claim } from '../claim.js';
import { customers, subscriptions } from '../../db/schema.js';
import { getStripe } from '../../stripe/client.js';
import { idOf } from '../../fulfilment/session-order.js';
import { outcomeNote, storeIdOf, syncOrdered } from '../sync-object.js';
import { onAccount, type EventOf, type HandlerMap } from '../types.js';

type SubscriptionEvent = EventOf<'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted'>;
type InvoiceEvent = EventOf<'invoice.paid' | 'invoice.payment_failed'>;

const GRANTING = new Set(['active', 'trialing']);
const REVOKING = new Set(['canceled', 'unpaid', 'incomplete_expired']);

function values(sub: Stripe.Subscription, event: SubscriptionEvent) {
  const items = sub.items.data;
  // Since API 2025-03-31 the billing period lives on each item, not on the subscription.
  const period = items[0];
  return {
    stripeId: sub.id,
    customerStripeId: idOf(sub.customer),
    storeId: storeIdOf(event.account ?? idOf(sub.transfer_data?.destination)),
    status: sub.status,
    priceIds: items.map((i) => i.price.id),
    productIds: [...new Set(items.map((i) => idOf(i.price.product)).filter((p): p is string => p !== null))],
    currentPeriodStart: period?.current_period_start ?? null,
    currentPeriodEnd: period?.current_period_end ?? null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    lastEventAt: event.created,
  };
}

async function syncSubscription(tx: Db, event: SubscriptionEvent, claim: Claim) {
  let applied: Stripe.Subscription = event.data.object;
  const result = await syncOrdered<typeof subscriptions, Stripe.Subscription>(tx, subscriptions, {
    stripeId: applied.id,
    object: applied,
    created: event.created,
    toValues: (s) => values((applied = s), event),
    refetch: () => getStripe().subscriptions.retrieve(applied.id, {}, onAccount(event.account)),
    claim,
  });
  if (result.outcome !== 'stale') await followEntitlements(tx, values(applied, event));
  return outcomeNote(result, 'subscription');
}

/** Entitlements follow the subscription: active/trialing grant, canceled/unpaid revoke. */
async function followEntitlements(tx: Db, sub: ReturnType<typeof values>): Promise<void> {
  const active = GRANTING.has(sub.status);
  if (!active && !REVOKING.has(sub.status)) return;
  const email = sql`(select ${customers.email} from ${customers} where ${customers.stripeId} = ${sub.customerStripeId})`;
  await tx.execute(sql`
    insert into entitlements (subscription_stripe_id, product_stripe_id, customer_stripe_id, email, active, revoked_at)
    select ${sub.stripeId}, p, ${sub.customerStripeId}, ${email}, ${active}, case when ${active} then null else now() end
    from jsonb_array_elements_text(${JSON.stringify(sub.productIds)}::jsonb) as p
    on conflict (subscription_stripe_id, product_stripe_id) do update set
      active = excluded.active,
      revoked_at = excluded.revoked_at,
      granted_at = case when excluded.active and not entitlements.active then now() else entitlements.granted_at end`);
}

/** The invoice outcome is recorded on its subscription (a placeholder row if it came first). */
async function syncInvoice(tx: Db, event: InvoiceEvent, claim: Claim) {
  const invoice = event.data.object;
  const subscription = idOf(invoice.parent?.subscription_details?.subscription);
  if (!subscription) return 'invoice without subscription';
  const cte = claim.cte(tx);
  const [row] = await (cte ? tx.with(cte) : tx)
    .insert(subscriptions)
    .values({
      stripeId: subscription,
      customerStripeId: idOf(invoice.customer),
      storeId: storeIdOf(event.account),
      status: 'incomplete',
      latestInvoiceStatus: event.type === 'invoice.paid' ? 'paid' : 'payment_failed',
      // Names the claim so it runs first (claim.ts); a placeholder row has no event time.
      lastEventAt: cte ? sql`(select null::bigint from claim)` : null,
    })
    .onConflictDoUpdate({
      target: subscriptions.stripeId,
      set: { latestInvoiceStatus: sql`excluded.latest_invoice_status`, updatedAt: sql`now()` },
    })
    .returning({ claimed: cte ? Claim.claimedColumn : sql<number>`1` });
  if (cte) claim.folded(row?.claimed);
  return `invoice ${event.type === 'invoice.paid' ? 'paid' : 'payment failed'} on ${subscription}`;
}

export const subscriptionHandlers: HandlerMap = {
  'customer.subscription.created': syncSubscription,
  'customer.subscription.updated': syncSubscription,
  'customer.subscription.deleted': syncSubscription,
  'invoice.paid': syncInvoice,
  'invoice.payment_failed': syncInvoice,
};
