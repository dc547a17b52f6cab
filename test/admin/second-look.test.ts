// Mistakes found in a second look at one day's changes: reconcile's backlog cursor, old store rows,
// the outbox's rate-limit waits, app origins, the dev server's blank secrets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { customers, emailOutbox, orders, stores } from '../../lib/db/schema.js';
import { sendPendingEmails } from '../../lib/email/send-pending.js';
import { fulfil } from '../../lib/fulfilment/fulfil.js';
import { reconcile } from '../../lib/reconcile/reconcile.js';
import { startDevStack } from '../../local/dev-stack.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { deliver, driver, event, sdkFor } from '../webhook/support.js';
import { createCustomerAt } from './flow.js';

const now = () => Math.floor(Date.now() / 1000);

describe('reconcile: a backlog whose oldest read second holds more events than one run reads', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  // Many events in one second are ordinary at Stripe (subscriptions renewing on the same billing
  // anchor, a bulk import); a run reads 200 pages or 10 s of them, one page at Stripe's slowest.
  it('150 missed events in one second are all applied after a few runs of one page each', async () => {
    const second = now() - 3000;
    for (let i = 0; i < 150; i++) await createCustomerAt(stripe, second, `same-second-${i}@example.com`);
    for (let i = 0; i < 6; i++) await reconcile(app.db, stripe, { maxPages: 1, emailBaseUrl: 'http://127.0.0.1:9' });
    const applied = await app.db.select({ id: customers.id }).from(customers);
    // Every run reads the same newest 100 events of that second (created[lte] = read_below) and
    // sets read_below to that same second again: the other 50, and everything newer, never come.
    expect(applied.length).toBe(150);
  });
});

describe('stores written before today named after the login email', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver });
  });
  afterAll(() => app.stop());

  // Until today a store built before the business had a name was `name = account.email`,
  // `slug = slugify(account.email)`. Today's change re-slugs placeholders (store-<id end>, or a
  // row named after its account id) but not those rows: they keep publishing the login email.
  it('an old email-named store takes the business name\'s slug with the first named snapshot', async () => {
    const accountId = `acct_1OldEmailRow${Date.now()}`;
    await app.db.insert(stores).values({
      accountId, slug: 'jane-doe-login-private-mail-example', name: 'jane.doe.login@private-mail.example',
      email: 'jane.doe.login@private-mail.example', country: 'US', status: 'pending',
      pages: [], settings: { currency: 'usd', feeBps: 250 }, lastEventAt: now() - 3600,
    });
    const named = event('account.updated', {
      account: accountId, created: now() - 60,
      data: { object: { id: accountId, email: 'jane.doe.login@private-mail.example', business_profile: { name: 'Jane Ceramics' } } },
    });
    expect((await deliver(app, named, { secret: TEST_CONNECT_WEBHOOK_SECRET })).status).toBe(200);
    const [row] = await app.db.select().from(stores).where(eq(stores.accountId, accountId));
    expect(row!.name).toBe('Jane Ceramics');
    expect(row!.slug).not.toContain('login');
  });
});

describe('outbox: a provider that keeps answering 429', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, env: { RESEND_API_KEY: 're_test_key_not_real_123', EMAIL_FROM: 'Shop <shop@example.com>' } });
  });
  afterAll(() => app.stop());

  // The hourly reconcile (a cron function: 60 s on Vercel here, 30 s for a Netlify scheduled
  // function) ends with sendPendingEmails. "Waits out Resend's 429 Retry-After (up to 2 s)" is per
  // wait: a 429 that persists (quota reached, another sender on the key) makes one run wait a
  // second (or two) up to 50 times, holding the row lock, past the function's time limit.
  it('one run gives up on its own rate limit within a few seconds', async () => {
    const [o] = await app.db.insert(orders).values({
      status: 'paid', currency: 'usd', amountTotal: 2500, email: 'limited@example.com', paidAt: new Date(),
      items: [{ priceId: 'price_a', productId: 'prod_a', name: 'T-shirt', quantity: 1, unitAmount: 2500, amountTotal: 2500 }],
    }).returning({ id: orders.id });
    await app.db.transaction((tx) => fulfil(tx, o!.id));
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests.' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = sendPendingEmails(app.db, { baseUrl: url });
    try {
      // Retry-After: 1 each time, and at most 5 s of waiting in all: six tries, then the run ends.
      expect(await run).toMatchObject({ sent: 0, failed: 0 });
      expect(requests).toBeLessThanOrEqual(6);
      const [mail] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, o!.id));
      expect(mail).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      // Unreachable from now on: the run's next send fails at once and the run ends.
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await run.catch(() => null);
      await app.db.delete(emailOutbox);
    }
  }, 30_000);
});

describe('ALLOWED_ORIGINS: an app origin that worked yesterday', () => {
  let app: TestApp;
  const ORIGIN = 'capacitor://localhost';
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true, env: { ALLOWED_ORIGINS: `https://shop.example.com, ${ORIGIN}` } });
  });
  afterAll(() => app.stop());

  // Before today the variable was a plain list compared with the Origin header, so a mobile
  // webview (Capacitor/Ionic: capacitor://localhost, ionic://localhost) or a browser extension
  // could call the public POST routes. Now any non-http(s) entry makes the whole variable
  // invalid: every cross-origin call, the listed https site's too, is a 503.
  it('the https site listed next to a capacitor:// origin is still served (not a 503)', async () => {
    const res = await app.call(createCheckoutSessionRoute, '/api/create-checkout-session', {
      method: 'OPTIONS', headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.status, await res.clone().text()).toBe(204);
    const app2 = await app.call(createCheckoutSessionRoute, '/api/create-checkout-session', {
      method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(app2.status, await app2.clone().text()).toBe(204);
    expect(app2.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});

// `npm run dev` with the variables of .env.example (every secret present but empty). Today's
// change made an empty STRIPE_WEBHOOK_SECRET mean "use the emulator's", but the dev stack still
// fills ADMIN_TOKEN, CRON_SECRET and STATE_SIGNING_SECRET with `??=`, which an empty string defeats.
describe('dev server with .env.example\'s empty secrets', () => {
  it('seller onboarding and the admin page work, as with the variables unset', async () => {
    const app = await startTestApp({ driver });
    Object.assign(process.env, { STRIPE_WEBHOOK_SECRET: '', ADMIN_TOKEN: '', CRON_SECRET: '', STATE_SIGNING_SECRET: '' });
    const stack = await startDevStack({ port: 0, emulatorPort: 0, env: {}, emulatorOptions: { asyncSettleMs: 100, retryDelaysMs: [50] } });
    try {
      const onboarding = await fetch(`${stack.app.url}/api/connect-onboarding`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ storeName: 'Dev Empty Env Shop', email: 'dev-empty@example.com', country: 'US' }),
      });
      const admin = await fetch(`${stack.app.url}/api/admin/stores`, { headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}` } });
      const seen = `onboarding ${onboarding.status} ${await onboarding.text()} | admin ${admin.status} ${await admin.text()}`;
      expect([onboarding.status, admin.status], seen).toEqual([200, 200]);
    } finally {
      await stack.close();
      await app.stop();
    }
  });
});
