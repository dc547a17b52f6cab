import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../lib/db/schema.js';
import { toNetlify } from '../../lib/platform/netlify.js';
import { toVercel } from '../../lib/platform/vercel.js';
import { webhookRoute } from '../../lib/webhook/route.js';
import { startDevStack } from '../../local/dev-stack.js';
import { startTestApp, TEST_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { driver, event, eventRow, sdkFor } from './support.js';

const sign = (payload: string, secret = TEST_WEBHOOK_SECRET) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) });

describe('webhook entry points: any method token', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver });
  });
  afterAll(() => app.stop());

  // SPEC "Webhook promises" 2: methods other than POST → 405 (with Allow, in the error shape).
  // Method tokens are case-sensitive and any token is a valid method; a token that names an
  // Object.prototype member must not be taken for a handler.
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'method %s → 405 with Allow: POST on the Vercel and Netlify entry points, nothing stored',
    async (method) => {
      const before = (await app.db.select().from(webhookEvents)).length;
      const e = event('customer.created');
      const payload = JSON.stringify(e, null, 2);
      const init = () => ({ method, body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload) } });
      const vercel = await toVercel(webhookRoute).fetch(new Request('http://localhost/api/webhook', init()));
      expect(vercel.status, 'vercel').toBe(405);
      expect(vercel.headers.get('allow')).toBe('POST');
      expect(((await vercel.json()) as any).error.code).toBe('method_not_allowed');
      const netlify = await toNetlify(webhookRoute)(new Request('http://localhost/api/webhook', init()), { ip: '192.0.2.1' } as any);
      expect(netlify.status, 'netlify').toBe(405);
      expect(netlify.headers.get('allow')).toBe('POST');
      expect((await app.db.select().from(webhookEvents)).length).toBe(before);
      expect(await eventRow(app, e.id)).toBeUndefined();
    },
  );
});

// `npm run dev` without STRIPE_SECRET_KEY: the emulator signs with the secrets it reads from
// STRIPE_WEBHOOK_SECRET, and the webhook verifies with the same variable as lib's config parses
// it (comma-separated, items trimmed, empty items and an empty value meaning "not set").
describe('dev server signs emulator deliveries with the secrets the webhook verifies with', () => {
  const cases: Array<[string, string]> = [
    ['an empty STRIPE_WEBHOOK_SECRET (treated as unset everywhere else)', ''],
    ['a space after the comma', 'whsec_dev_platform, whsec_dev_connect'],
  ];
  it.each(cases)('%s: platform and Connect deliveries are answered 200', async (_name, value) => {
    const app = await startTestApp({ driver });
    // startTestApp sets both test secrets; the dev stack reads the variable as a developer set it.
    process.env.STRIPE_WEBHOOK_SECRET = value;
    const stack = await startDevStack({
      port: 0,
      emulatorPort: 0,
      env: {},
      emulatorOptions: { asyncSettleMs: 100, retryDelaysMs: [50] },
    });
    try {
      const emulator = stack.emulator!;
      const stripe = sdkFor(emulator);
      await stripe.customers.create({ email: 'dev@example.com', name: 'Dev' });
      const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Dev Connect Shop' } });
      await emulator.completeOnboarding(account.id);
      await emulator.idle();
      const platform = emulator.deliveries.filter((d) => d.type === 'customer.created');
      const connect = emulator.deliveries.filter((d) => d.type === 'account.updated');
      expect(platform.length).toBeGreaterThan(0);
      expect(connect.length).toBeGreaterThan(0);
      expect(platform.map((d) => d.status), 'platform deliveries').toEqual(platform.map(() => 200));
      expect(connect.map((d) => d.status), 'Connect deliveries').toEqual(connect.map(() => 200));
    } finally {
      await stack.close();
      await app.stop();
    }
  });
});
