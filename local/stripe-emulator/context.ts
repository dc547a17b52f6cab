import type { DeliveryQueue } from './delivery.ts';
import type { EventLog } from './events.ts';
import type { Store } from './store.ts';

export interface Emu {
  store: Store;
  events: EventLog;
  queue: DeliveryQueue;
  baseUrl: string;
  asyncSettleMs: number;
}
