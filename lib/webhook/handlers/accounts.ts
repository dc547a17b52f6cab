import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import { markStoreDisconnected } from '../../connect/store-disconnect.js';
import { upsertStoreFromAccount } from '../../connect/store-builder.js';
import { getStripe } from '../../stripe/client.js';
import { eventMeta, type EventOf, type HandlerMap, type ReadsFirst, type ThinEvent, type ThinHandler } from '../types.js';

async function accountUpdated(tx: Db, event: EventOf<'account.updated'>, claim: Claim) {
  return storeNote(await upsertStoreFromAccount(tx, event.data.object, { eventCreated: event.created, claim }));
}

// The event's object is the platform's Application, not the account: the account is read
// (before the transaction).
const authorized: ReadsFirst<EventOf<'account.application.authorized'>> = {
  async readsFirst(event) {
    if (!event.account) return async () => 'no account on event';
    const account = await getStripe().accounts.retrieve(event.account);
    return async (tx, claim) =>
      storeNote(await upsertStoreFromAccount(tx, account, { eventCreated: event.created, reconnect: true, claim }));
  },
};

async function deauthorized(tx: Db, event: EventOf<'account.application.deauthorized'>, claim: Claim) {
  if (!event.account) return 'no account on event';
  const changed = await markStoreDisconnected(tx, event.account, event.created, claim);
  return changed ? 'store disconnected' : 'stale: a newer account event was already applied';
}

/** Accounts v2 thin events carry a reference only: the account is read, then applied. */
const thinAccount: ReadsFirst<ThinEvent> = {
  async readsFirst(event) {
    const id = event.related_object?.id;
    if (!id) return async () => 'no related account';
    const account: Stripe.Account = await getStripe().accounts.retrieve(id);
    return async (tx, claim) => storeNote(await upsertStoreFromAccount(tx, account, { eventCreated: eventMeta(event).created, claim }));
  },
};

function storeNote(store: { status: string } | null): string {
  return store ? `store ${store.status}` : 'stale: a newer account event was already applied';
}

export const accountHandlers: HandlerMap = {
  'account.updated': accountUpdated,
  'account.application.authorized': authorized,
  'account.application.deauthorized': deauthorized,
};

/** `account.created` is not a v1 event type; hand-made tests send it, as a first sighting. */
export const accountAliases: Record<string, keyof HandlerMap> = { 'account.created': 'account.updated' };

export const thinHandlers: Record<string, ThinHandler> = {
  'v2.core.account.created': thinAccount,
  'v2.core.account.updated': thinAccount,
};
