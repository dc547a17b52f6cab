import { missingResource } from './errors.js';
import type { StripeObject } from './types.js';

const KIND_BY_PREFIX: Record<string, string> = {
  prod: 'product', price: 'price', cs: 'checkout.session', pi: 'payment_intent', ch: 'charge',
  re: 'refund', cus: 'customer', acct: 'account', sub: 'subscription', in: 'invoice', evt: 'event',
};

export interface SessionExtras {
  paymentIntentData: StripeObject;
  subscriptionData: StripeObject;
  lineItems: StripeObject[];
}

/** All emulator state: one insertion-ordered map of objects plus side tables for hidden fields. */
export class Store {
  readonly objects = new Map<string, StripeObject>();
  readonly sessionExtras = new Map<string, SessionExtras>();
  readonly accountLinks = new Map<string, StripeObject & { account: string; used: boolean }>();
  readonly idempotency = new Map<string, { fingerprint: string; status: number; body: string }>();

  put<T extends StripeObject>(o: T): T {
    this.objects.set(o.id as string, o);
    return o;
  }

  find(id: string): StripeObject | undefined {
    return this.objects.get(id);
  }

  get(kind: string, id: string, param = 'id'): StripeObject {
    const o = this.objects.get(id);
    if (!o || o.object !== kind) throw missingResource(kind, id, param);
    return o;
  }

  all(kind: string): StripeObject[] {
    return [...this.objects.values()].filter((o) => o.object === kind);
  }

  kindOf(id: string): string | undefined {
    return KIND_BY_PREFIX[id.slice(0, id.indexOf('_'))];
  }
}
