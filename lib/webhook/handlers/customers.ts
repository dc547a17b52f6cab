import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import { p } from '../../db/prepared.js';
import type { Claim } from '../claim.js';
import { getStripe } from '../../stripe/client.js';
import { outcomeNote, syncOrdered, syncStatement } from '../sync-object.js';
import { onAccount, type EventOf, type HandlerMap } from '../types.js';

type CustomerEvent = EventOf<'customer.created' | 'customer.updated' | 'customer.deleted'>;

// A deleted customer arrives without email and name: `details` false keeps the ones we had.
// The subscriptions' entitlements take the customer's email (also filling those of a
// subscription seen before its customer); a stale event changes nothing (`up` is empty).
const upsertCustomer = syncStatement('customers', {
  columns: 'email, name, deleted',
  values: sql`${p('email')}, ${p('name')}, ${p('deleted')}`,
  set: sql`email = case when ${p('details')}::boolean then excluded.email else customers.email end,
    name = case when ${p('details')}::boolean then excluded.name else customers.name end,
    deleted = excluded.deleted`,
  then: sql`, emailed as (
    update entitlements set email = ${p('email')}
    where subscription_stripe_id in (select stripe_id from subscriptions where customer_stripe_id = ${p('stripeId')})
      and email is distinct from ${p('email')}::text and ${p('email')}::text is not null and exists (select 1 from up))`,
});

async function syncCustomer(tx: Db, event: CustomerEvent, claim: Claim) {
  const result = await syncOrdered<Stripe.Customer | Stripe.DeletedCustomer>(tx, 'customers', {
    stripeId: event.data.object.id,
    object: event.data.object,
    created: event.created,
    write: (customer, current, claim) => upsertCustomer(tx, {
      stripeId: customer.id,
      account: event.account ?? null,
      details: 'email' in customer,
      email: 'email' in customer ? customer.email : null,
      name: 'email' in customer ? (customer.name ?? null) : null,
      deleted: event.type === 'customer.deleted' || customer.deleted === true,
      lastEventAt: event.created,
      current,
    }, claim),
    refetch: () => getStripe().customers.retrieve(event.data.object.id, {}, onAccount(event.account)),
    claim,
  });
  return outcomeNote(result, 'customer');
}

export const customerHandlers: HandlerMap = {
  'customer.created': syncCustomer,
  'customer.updated': syncCustomer,
  'customer.deleted': syncCustomer,
};
