import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../local/stripe-emulator/index.js';
import { TRIGGERABLE_EVENT_TYPES } from '../../local/stripe-emulator/build-event.js';
import { startReceiver, type Receiver } from './support.js';

const stripe = new Stripe('sk_test_unused');
let hook: Receiver;

beforeAll(async () => {
  hook = await startReceiver();
});
afterAll(() => hook.close());

describe('buildEvent', () => {
  it('builds realistic events for every supported type', () => {
    for (const type of TRIGGERABLE_EVENT_TYPES) {
      const event = buildEvent(type);
      expect(event.type).toBe(type);
      expect(event.id).toMatch(/^evt_/);
    }
    const completed = buildEvent('checkout.session.completed');
    expect(completed).toMatchObject({ object: 'event', api_version: Stripe.API_VERSION, livemode: false });
    expect(completed.data.object).toMatchObject({ object: 'checkout.session', status: 'complete', payment_status: 'paid', customer_details: { email: 'shopper@example.com' } });
    expect(completed.data.object.payment_intent).toMatch(/^pi_/);
    expect(buildEvent('account.updated').account).toMatch(/^acct_/);
    expect(buildEvent('charge.refunded').data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(buildEvent('v2.core.account.created').object).toBe('v2.core.event');
    expect(() => buildEvent('nope.nope')).toThrow(/Unsupported/);
  });

  it('deep-merges overrides', () => {
    const e = buildEvent('checkout.session.completed', { account: 'acct_x', data: { object: { metadata: { order: '1' } } } });
    expect(e.account).toBe('acct_x');
    expect(e.data.object.metadata).toEqual({ order: '1' });
    expect(e.data.object.mode).toBe('payment');
  });
});

describe('trigger CLI', () => {
  it('signs and posts an event, printing the status', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'local/stripe-emulator/trigger.ts', 'payment_intent.succeeded', '--url', hook.url, '--secret', 'whsec_cli', '--account', 'acct_cli'],
      { cwd: process.cwd(), env: { ...process.env, STRIPE_WEBHOOK_SECRET: '' } },
    );
    expect(stdout).toContain('200');
    const { raw, signature } = hook.received[0]!;
    const event = await stripe.webhooks.constructEventAsync(raw, signature, 'whsec_cli');
    expect(event).toMatchObject({ type: 'payment_intent.succeeded', account: 'acct_cli' });
    expect((event.data.object as Stripe.PaymentIntent).status).toBe('succeeded');
  }, 20_000);
});
