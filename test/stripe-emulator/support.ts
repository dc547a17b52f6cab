import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type EmulatorOptions, type StripeEmulator } from '../../local/stripe-emulator/index.js';
import { sdkFor } from '../support/sdk.js';

export { sdkFor };

export const PLATFORM_SECRET = 'whsec_test_platform';
export const CONNECT_SECRET = 'whsec_test_connect';

export interface Received {
  raw: string;
  signature: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status to answer for the nth request (0-based); default 200. */
  respond: (n: number, raw: string) => number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], respond: () => 200, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const n = receiver.received.length;
      receiver.received.push({ raw, signature: String(req.headers['stripe-signature'] ?? '') });
      res.writeHead(receiver.respond(n, raw)).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  receiver.close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return receiver;
}

export async function startPair(opts: EmulatorOptions = {}): Promise<{ emu: StripeEmulator; stripe: Stripe; hook: Receiver }> {
  const hook = await startReceiver();
  const emu = await startStripeEmulator({
    webhookUrl: hook.url,
    webhookSecret: PLATFORM_SECRET,
    connectWebhookSecret: CONNECT_SECRET,
    retryDelaysMs: [20, 40],
    asyncSettleMs: 50,
    ...opts,
  });
  return { emu, stripe: sdkFor(emu), hook };
}

/** Verifies every received v1 delivery with the SDK, as the app's webhook does (thin v2 notifications skipped). */
export async function verifiedEvents(stripe: Stripe, hook: Receiver): Promise<Stripe.Event[]> {
  const out: Stripe.Event[] = [];
  for (const r of hook.received) {
    const parsed = JSON.parse(r.raw) as { account?: string; object: string };
    if (parsed.object !== 'event') continue;
    const secret = parsed.account ? CONNECT_SECRET : PLATFORM_SECRET;
    out.push(await stripe.webhooks.constructEventAsync(r.raw, r.signature, secret));
  }
  return out;
}

/** Posts a hosted-page form the way a browser would, using the action attribute of the form holding `buttonId`. */
export async function clickButton(pageUrl: string, buttonId: string): Promise<Response> {
  const html = await (await fetch(pageUrl)).text();
  const forms = html.split('<form').slice(1);
  const form = forms.find((f) => f.includes(`id="${buttonId}"`));
  if (!form) throw new Error(`No form with button #${buttonId}`);
  const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
  const fields = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]);
  return fetch(new URL(action, pageUrl), { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}
