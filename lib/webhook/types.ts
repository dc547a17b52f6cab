import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import type { Claim } from './claim.js';

export type EventType = Stripe.Event.Type;
export type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;

/** A handler's note for Stripe's delivery log ("order paid", "stale: newer state applied"). */
export type HandlerResult = string | void;

/**
 * Runs inside the event's transaction: `tx` commits together with the event row. The first
 * write carries `claim` (claim.ts) or calls `claim.ensure(tx)` before writing.
 */
export type TxHandler<E> = (tx: Db, event: E, claim: Claim) => Promise<HandlerResult>;

/** What runs inside the event's transaction, the event already bound. */
export type Apply = (tx: Db, claim: Claim) => Promise<HandlerResult>;

/**
 * A handler that needs Stripe's data first (a session's line items, an account): `readsFirst`
 * runs before the transaction opens, so that a slow or failing Stripe holds no database
 * connection and no lock, and returns what then runs inside the transaction.
 */
export interface ReadsFirst<E> {
  readsFirst(event: E): Promise<Apply>;
}

export type Handler<T extends EventType> = TxHandler<EventOf<T>> | ReadsFirst<EventOf<T>>;
export type HandlerMap = { [T in EventType]?: Handler<T> };

/** A thin (v2) event notification: a reference to an object, which the handler fetches. */
export interface ThinEvent {
  object: 'v2.core.event';
  id: string;
  type: string;
  /** ISO 8601, unlike v1's unix seconds. */
  created: string;
  related_object?: { id: string; type: string; url: string } | null;
  context?: string | null;
}
export type ThinHandler = TxHandler<ThinEvent> | ReadsFirst<ThinEvent>;

export type IncomingEvent = Stripe.Event | ThinEvent;

export function isThin(event: IncomingEvent): event is ThinEvent {
  return event.object === 'v2.core.event';
}

/** The columns of the event's row, for v1 and thin events alike. */
export interface EventMeta {
  id: string;
  type: string;
  accountId: string | null;
  apiVersion: string | null;
  created: number;
}

export function eventMeta(event: IncomingEvent): EventMeta {
  if (isThin(event)) {
    return {
      id: event.id,
      type: event.type,
      accountId: event.context ?? (event.related_object?.type === 'v2.core.account' ? event.related_object.id : null),
      apiVersion: null,
      created: Math.floor(Date.parse(event.created) / 1000),
    };
  }
  return { id: event.id, type: event.type, accountId: event.account ?? null, apiVersion: event.api_version, created: event.created };
}

/** Request options for calls made on behalf of a connected account's event. */
export function onAccount(account: string | null | undefined): Stripe.RequestOptions | undefined {
  return account ? { stripeAccount: account } : undefined;
}
