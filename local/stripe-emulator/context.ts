import type { DeliveryQueue } from './delivery.js';
import type { EventLog } from './events.js';
import type { Store } from './store.js';

export interface Emu {
  store: Store;
  events: EventLog;
  queue: DeliveryQueue;
  baseUrl: string;
  asyncSettleMs: number;
}
