import { serializeEvent, signPayload } from './signing.js';
import type { StripeObject } from './types.js';

export interface DeliveryRecord {
  eventId: string;
  type: string;
  attempt: number;
  status: number | null;
}

export interface WebhookConfig {
  url: string | null;
  secret: string;
  connectSecret: string;
}

interface Job {
  event: StripeObject;
  attempt: number;
  onDelivered: () => void;
}

const IMMINENT_MS = 2000;

/** One endpoint, one queue: events go out one at a time in creation order, failures retry later. */
export class DeliveryQueue {
  readonly deliveries: DeliveryRecord[] = [];
  enabled = true;
  private readonly queue: Job[] = [];
  private running = false;
  private readonly timers = new Map<NodeJS.Timeout, number>();
  private closed = false;

  constructor(
    public config: WebhookConfig,
    private readonly retryDelaysMs: number[],
  ) {}

  /** Returns whether the event was queued for delivery. */
  enqueue(event: StripeObject, onDelivered: () => void): boolean {
    if (!this.enabled || !this.config.url || this.closed) return false;
    this.queue.push({ event, attempt: 1, onDelivered });
    void this.pump();
    return true;
  }

  /** Schedules work the queue should wait for in idle(), e.g. async settlement. */
  later(ms: number, fn: () => void): void {
    const due = Date.now() + ms;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.set(t, due);
  }

  async idle(): Promise<void> {
    for (;;) {
      const imminent = [...this.timers.values()].some((due) => due - Date.now() <= IMMINENT_MS);
      if (!this.running && this.queue.length === 0 && !imminent) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.keys()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) await this.attempt(job);
    } finally {
      this.running = false;
    }
  }

  private async attempt(job: Job): Promise<void> {
    const url = this.config.url;
    if (!url || this.closed) return;
    const record: DeliveryRecord = { eventId: job.event.id, type: job.event.type, attempt: job.attempt, status: null };
    this.deliveries.push(record);
    record.status = await this.post(url, job.event);
    if (record.status !== null && record.status >= 200 && record.status < 300) {
      job.onDelivered();
      return;
    }
    const delay = this.retryDelaysMs[job.attempt - 1];
    if (delay === undefined) return;
    this.later(delay, () => {
      if (this.closed) return;
      this.queue.push({ ...job, attempt: job.attempt + 1 });
      void this.pump();
    });
  }

  private async post(url: string, event: StripeObject): Promise<number | null> {
    const payload = serializeEvent(event);
    const secret = event.account ? this.config.connectSecret : this.config.secret;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signPayload(payload, secret),
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status;
    } catch {
      return null;
    }
  }
}
