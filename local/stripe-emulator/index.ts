import type { AddressInfo } from 'node:net';
import { completeCheckout } from './checkout-flow.js';
import type { Emu } from './context.js';
import { DeliveryQueue, type DeliveryRecord } from './delivery.js';
import { EventLog } from './events.js';
import { onboardAccount } from './hosted/onboarding-page.js';
import { seedCatalogue } from './seed.js';
import { createEmulatorServer } from './server.js';
import { Store } from './store.js';

export { buildEvent } from './build-event.js';
export { signPayload } from './signing.js';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  webhookUrl?: string | null;
  webhookSecret?: string;
  connectWebhookSecret?: string;
  retryDelaysMs?: number[];
  asyncSettleMs?: number;
}

export interface StripeEmulator {
  url: string;
  host: string;
  port: number;
  secretKey: string;
  close(): Promise<void>;
  setWebhook(url: string | null, secret?: string, connectSecret?: string): void;
  setDeliveryEnabled(enabled: boolean): void;
  deliveries: DeliveryRecord[];
  idle(): Promise<void>;
  completeCheckoutSession(id: string, outcome: 'paid' | 'declined' | 'delayed'): Promise<void>;
  completeOnboarding(accountId: string): Promise<void>;
}

export const DEFAULT_WEBHOOK_SECRET = 'whsec_emulator_platform';

export async function startStripeEmulator(opts: EmulatorOptions = {}): Promise<StripeEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const secret = opts.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
  const queue = new DeliveryQueue(
    { url: opts.webhookUrl ?? null, secret, connectSecret: opts.connectWebhookSecret ?? secret },
    opts.retryDelaysMs ?? [1000, 5000, 25000],
  );
  const store = new Store();
  seedCatalogue(store);
  const emu: Emu = { store, queue, events: new EventLog(queue), baseUrl: '', asyncSettleMs: opts.asyncSettleMs ?? 3000 };

  const api: StripeEmulator = {
    url: '',
    host,
    port: 0,
    secretKey: 'sk_test_emulator',
    deliveries: queue.deliveries,
    close: () => close(),
    setWebhook(url, webhookSecret, connectSecret) {
      const s = webhookSecret ?? queue.config.secret;
      queue.config = { url, secret: s, connectSecret: connectSecret ?? (webhookSecret ? s : queue.config.connectSecret) };
    },
    setDeliveryEnabled(enabled) {
      queue.enabled = enabled;
    },
    idle: () => queue.idle(),
    async completeCheckoutSession(id, outcome) {
      completeCheckout(emu, id, outcome);
    },
    async completeOnboarding(accountId) {
      onboardAccount(emu, accountId);
    },
  };

  const server = createEmulatorServer(emu, { ...api, queue, setWebhook: api.setWebhook });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  emu.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  Object.assign(api, { url: emu.baseUrl, port });

  function close(): Promise<void> {
    queue.close();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
  return api;
}
