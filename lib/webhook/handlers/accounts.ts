import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Claim } from '../claim.js';
import { disconnectedSince, markStoreDisconnected } from '../../connect/store-disconnect.js';
import { upsertStoreFromAccount, type StoreOptions } from '../../connect/store-builder.js';
import { getStripe } from '../../stripe/client.js';
import { eventMeta, type Apply, type EventOf, type HandlerMap, type ReadsFirst, type ThinEvent, type ThinHandler } from '../types.js';

async function accountUpdated(tx: Db, event: EventOf<'account.updated'>, claim: Claim) {
  return storeNote(await upsertStoreFromAccount(tx, event.data.object, { eventCreated: event.created, claim }));
}

// The event's object is the platform's Application, not the account: the account is read.
const authorized: ReadsFirst<EventOf<'account.application.authorized'>> = {
  readsFirst: async (event) =>
    event.account ? storeFromAccount(event.account, { eventCreated: event.created, reconnect: true }) : async () => 'no account on event',
};

async function deauthorized(tx: Db, event: EventOf<'account.application.deauthorized'>, claim: Claim) {
  if (!event.account) return 'no account on event';
  const changed = await markStoreDisconnected(tx, event.account, event.created, claim);
  return changed ? 'store disconnected' : 'stale: a newer account event was already applied';
}

/** Accounts v2 thin events carry a reference only: the account is read, then applied. */
const thinAccount: ReadsFirst<ThinEvent> = {
  readsFirst: async (event) => {
    const id = event.related_object?.id;
    return id ? storeFromAccount(id, { eventCreated: eventMeta(event).created }) : async () => 'no related account';
  },
};

/** Reads the account before the transaction; inside it, builds or updates the account's store. */
async function storeFromAccount(id: string, opts: Omit<StoreOptions, 'claim'>): Promise<Apply> {
  let account: Stripe.Account;
  try {
    account = await getStripe().accounts.retrieve(id);
  } catch (err) {
    // A later deauthorisation revoked our access: this event is stale, not a failure to retry
    // for days. Any other failed read fails the event, and Stripe's next delivery reads again.
    return async (tx) => {
      if (opts.eventCreated !== null && await disconnectedSince(tx, id, opts.eventCreated)) return storeNote(null);
      throw err;
    };
  }
  return async (tx, claim) => storeNote(await upsertStoreFromAccount(tx, account, { ...opts, claim }));
}

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
