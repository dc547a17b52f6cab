import Stripe from 'stripe';
import type { DeliveryQueue } from './delivery.js';
import { nowSeconds, randomId } from './ids.js';
import type { RequestContext, StripeObject } from './types.js';

export interface EmitOptions {
  ctx?: RequestContext;
  account?: string | null;
  previousAttributes?: StripeObject;
}

interface EventEntry {
  event: StripeObject;
  delivered: boolean;
}

export function buildEventEnvelope(type: string, object: StripeObject, opts: EmitOptions = {}): StripeObject {
  const account = opts.account ?? opts.ctx?.account ?? null;
  const event: StripeObject = {
    id: randomId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: nowSeconds(),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: 0,
    request: { id: opts.ctx?.requestId || null, idempotency_key: opts.ctx?.idempotencyKey ?? null },
    type,
  };
  if (opts.previousAttributes) event.data.previous_attributes = structuredClone(opts.previousAttributes);
  if (account) event.account = account;
  return event;
}

/** v1 events (listable) and thin v2 events, both fed to the delivery queue in creation order. */
export class EventLog {
  readonly v1: EventEntry[] = [];
  readonly thin = new Map<string, StripeObject>();

  constructor(private readonly queue: DeliveryQueue) {}

  emit(type: string, object: StripeObject, opts: EmitOptions = {}): StripeObject {
    const event = buildEventEnvelope(type, object, opts);
    const entry: EventEntry = { event, delivered: false };
    this.v1.push(entry);
    const queued = this.queue.enqueue(event, () => {
      entry.delivered = true;
      event.pending_webhooks = 0;
    });
    if (queued) event.pending_webhooks = 1;
    return event;
  }

  emitThin(notification: StripeObject): void {
    this.thin.set(notification.id, notification);
    this.queue.enqueue(notification, () => undefined);
  }

  find(id: string): EventEntry | undefined {
    return this.v1.find((e) => e.event.id === id);
  }
}
