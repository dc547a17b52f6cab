import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import { customers } from '../../db/schema.js';
import { getStripe } from '../../stripe/client.js';
import { outcomeNote, storeIdOf, syncOrdered } from '../sync-object.js';
import { onAccount, type EventOf, type HandlerMap } from '../types.js';

type CustomerEvent = EventOf<'customer.created' | 'customer.updated' | 'customer.deleted'>;

function values(customer: Stripe.Customer | Stripe.DeletedCustomer, event: CustomerEvent) {
  const deleted = event.type === 'customer.deleted' || customer.deleted === true;
  return {
    stripeId: customer.id,
    storeId: storeIdOf(event.account),
    ...('email' in customer ? { email: customer.email, name: customer.name ?? null } : {}),
    deleted,
    lastEventAt: event.created,
  };
}

async function syncCustomer(tx: Db, event: CustomerEvent, claim: Claim) {
  const result = await syncOrdered<typeof customers, Stripe.Customer | Stripe.DeletedCustomer>(tx, customers, {
    stripeId: event.data.object.id,
    object: event.data.object,
    created: event.created,
    toValues: (c) => values(c, event),
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
