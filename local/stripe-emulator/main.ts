import { startStripeEmulator } from './index.js';

const port = Number(process.env.STRIPE_EMULATOR_PORT ?? process.env.PORT ?? 12111);
const emulator = await startStripeEmulator({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  webhookUrl: process.env.WEBHOOK_URL ?? null,
  webhookSecret: process.env.WEBHOOK_SECRET?.split(',')[0] || undefined,
  connectWebhookSecret: process.env.CONNECT_WEBHOOK_SECRET || undefined,
});
console.log(`Stripe emulator listening on ${emulator.url} (key ${emulator.secretKey})`);
if (process.env.WEBHOOK_URL) console.log(`Delivering events to ${process.env.WEBHOOK_URL}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void emulator.close().then(() => process.exit(0)));
}
