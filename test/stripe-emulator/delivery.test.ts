import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../../local/stripe-emulator/index.js';
import { PLATFORM_SECRET, sdkFor, startPair, startReceiver, verifiedEvents, type Receiver } from './support.js';

let emu: StripeEmulator;
let stripe: Stripe;
let hook: Receiver;

beforeEach(async () => {
  ({ emu, stripe, hook } = await startPair());
});
afterEach(async () => {
  await emu.close();
  await hook.close();
});

describe('webhook delivery', () => {
  it('signs pretty-printed payloads the way Stripe does', async () => {
    await stripe.customers.create({ email: 'sig@example.com' });
    await emu.idle();
    const { raw, signature } = hook.received[0]!;
    expect(raw).toBe(JSON.stringify(JSON.parse(raw), null, 2));
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = await stripe.webhooks.constructEventAsync(raw, signature, PLATFORM_SECRET);
    expect(event).toMatchObject({ object: 'event', type: 'customer.created', livemode: false, api_version: Stripe.API_VERSION });
    await expect(stripe.webhooks.constructEventAsync(raw, signature, 'whsec_wrong')).rejects.toThrow();
  });

  it('retries a failed delivery with the same event id and records every attempt', async () => {
    hook.respond = (n) => (n === 0 ? 500 : 200);
    await stripe.customers.create({ email: 'retry@example.com' });
    await emu.idle();
    const events = await verifiedEvents(stripe, hook);
    expect(events).toHaveLength(2);
    expect(events[1]!.id).toBe(events[0]!.id);
    expect(emu.deliveries.map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 200]]);
    expect(emu.deliveries[0]!.eventId).toBe(events[0]!.id);
    const undelivered = await stripe.events.list({ delivery_success: false });
    expect(undelivered.data).toHaveLength(0);
    const delivered = await stripe.events.list({ delivery_success: true });
    expect(delivered.data.map((e) => e.id)).toEqual([events[0]!.id]);
  });

  it('gives up after the configured retries and treats network errors as failures', async () => {
    hook.respond = () => 503;
    await stripe.customers.create({ email: 'down@example.com' });
    await emu.idle();
    expect(emu.deliveries.map((d) => d.status)).toEqual([503, 503, 503]);
    expect((await stripe.events.list({ delivery_success: false })).data).toHaveLength(1);

    emu.setWebhook('http://127.0.0.1:1/nothing-listens-here');
    await stripe.customers.create({ email: 'gone@example.com' });
    await emu.idle();
    expect(emu.deliveries.slice(3).map((d) => d.status)).toEqual([null, null, null]);
  });

  it('keeps creation order while one event is being delivered', async () => {
    for (let i = 0; i < 5; i++) await stripe.customers.create({ name: `c${i}` });
    await emu.idle();
    const names = (await verifiedEvents(stripe, hook)).map((e) => (e.data.object as Stripe.Customer).name);
    expect(names).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('creates but does not deliver events while delivery is off', async () => {
    emu.setDeliveryEnabled(false);
    const c = await stripe.customers.create({ email: 'quiet@example.com' });
    await emu.idle();
    expect(hook.received).toHaveLength(0);
    const missed = await stripe.events.list({ delivery_success: false, type: 'customer.created' });
    expect((missed.data[0]!.data.object as Stripe.Customer).id).toBe(c.id);
    emu.setDeliveryEnabled(true);
    await stripe.customers.create({ email: 'loud@example.com' });
    await emu.idle();
    expect(hook.received).toHaveLength(1);
  });

  it('exposes control endpoints over HTTP', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/_emulator/delivery', { enabled: false })).status).toBe(200);
    await stripe.customers.create({ name: 'off' });
    await emu.idle();
    expect(hook.received).toHaveLength(0);
    expect((await post('/_emulator/delivery', { enabled: 'yes' })).status).toBe(400);

    const other = await startReceiver();
    try {
      await post('/_emulator/delivery', { enabled: true });
      await post('/_emulator/webhook', { url: other.url, secret: 'whsec_other' });
      await stripe.customers.create({ name: 'on' });
      await emu.idle();
      expect(other.received).toHaveLength(1);
      await stripe.webhooks.constructEventAsync(other.received[0]!.raw, other.received[0]!.signature, 'whsec_other');
      const res = await fetch(`${emu.url}/_emulator/deliveries`);
      const body = (await res.json()) as { deliveries: Array<{ type: string; status: number }> };
      expect(body.deliveries).toEqual([expect.objectContaining({ type: 'customer.created', status: 200, attempt: 1 })]);
    } finally {
      await other.close();
    }
  });

  it('completes checkout and onboarding through control endpoints', async () => {
    const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_demo_tshirt_usd', quantity: 1 }], success_url: 'https://x.test/ok' });
    const res = await fetch(`${emu.url}/_emulator/checkout/${s.id}/complete`, { method: 'POST', body: JSON.stringify({ outcome: 'paid' }) });
    expect(res.status).toBe(200);
    expect((await stripe.checkout.sessions.retrieve(s.id)).payment_status).toBe('paid');
    const again = await fetch(`${emu.url}/_emulator/checkout/${s.id}/complete`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(400);
  });
});

describe('emulator without a webhook', () => {
  it('accepts any sk_test_ key and still records events', async () => {
    const quiet = await startStripeEmulator();
    try {
      const sdk = sdkFor(quiet, 'sk_test_anything');
      await sdk.customers.create({ name: 'x' });
      await quiet.idle();
      expect(quiet.deliveries).toHaveLength(0);
      expect((await sdk.events.list()).data[0]!.pending_webhooks).toBe(0);
      expect(quiet.url).toBe(`http://127.0.0.1:${quiet.port}`);
    } finally {
      await quiet.close();
    }
  });
});
