import { accountAliases, accountHandlers, thinHandlers } from './handlers/accounts.js';
import { catalogueHandlers } from './handlers/catalogue.js';
import { chargeHandlers } from './handlers/charges.js';
import { checkoutSessionHandlers } from './handlers/checkout-sessions.js';
import { customerHandlers } from './handlers/customers.js';
import { paymentIntentHandlers } from './handlers/payment-intents.js';
import { subscriptionHandlers } from './handlers/subscriptions.js';
import { isThin, type Apply, type EventType, type Handler, type HandlerMap, type IncomingEvent, type ReadsFirst, type TxHandler } from './types.js';

// One table keyed by event type, merged from one module per Stripe resource family.
const handlers: HandlerMap = {
  ...checkoutSessionHandlers,
  ...paymentIntentHandlers,
  ...chargeHandlers,
  ...accountHandlers,
  ...customerHandlers,
  ...catalogueHandlers,
  ...subscriptionHandlers,
};

/** The v1 events to select on both endpoints in Stripe's Dashboard, derived from the table above. */
export const selectableEventTypes: readonly string[] = Object.keys(handlers).sort();

/** Everything the webhook applies: the selectable types, aliases hand-made tests send, thin v2 types. */
export const handledEventTypes: readonly string[] = [
  ...selectableEventTypes,
  ...Object.keys(accountAliases),
  ...Object.keys(thinHandlers),
].sort();

/**
 * The handler bound to this event, or null for a type we store as `ignored`. Calling it makes
 * the handler's Stripe reads, if any, and gives what runs inside the transaction.
 */
export function findHandler(event: IncomingEvent): (() => Promise<Apply>) | null {
  if (isThin(event)) {
    const thin = own(thinHandlers, event.type);
    return thin ? bind(thin, event) : null;
  }
  const type = own(accountAliases, event.type) ?? event.type;
  // The table pairs each type with its handler; TypeScript cannot correlate the lookup.
  const handler = own(handlers, type) as Handler<EventType> | undefined;
  return handler ? bind(handler, event as never) : null;
}

// Own keys only: a type named `constructor` or `toString` is unknown, not Object's.
function own<T>(table: Partial<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function bind<E>(handler: TxHandler<E> | ReadsFirst<E>, event: E): () => Promise<Apply> {
  if (typeof handler === 'function') return async () => (tx, claim) => handler(tx, event, claim);
  return () => handler.readsFirst(event);
}
