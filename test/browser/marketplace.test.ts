import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applicationFeeAmount } from '../../lib/connect/fees.js';
import { orders, prices, products, stores } from '../../lib/db/schema.js';
import { ARTIFACTS_DIR, chromiumAvailable, launchBrowser, startBrowserStack, type BrowserStack, type TestBrowser } from '../support/browser.js';

// The marketplace end to end: a seller signs up on sell.html, onboards on the emulator's
// hosted page, comes back to their live store; a shopper buys there, and the payment is a
// destination charge with the platform's fee. In CI a missing Chromium fails the run.
describe.runIf(chromiumAvailable() && inject('postgres'))('marketplace in a real browser', () => {
  let stack: BrowserStack;
  let browser: TestBrowser;
  let page: Page;
  let stripe: Stripe;

  beforeAll(async () => {
    stack = await startBrowserStack();
    browser = await launchBrowser();
    page = await browser.newPage();
    const emu = stack.emulator;
    stripe = new Stripe(emu.secretKey, { host: emu.host, port: emu.port, protocol: 'http', httpClient: Stripe.createFetchHttpClient() });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('sell.html → onboarding → active store with its pages → buy there → paid, fee to the platform', async () => {
    // 1. The seller signs up and completes Stripe's (emulated) onboarding.
    await page.goto(`${stack.url}/sell.html`);
    await page.getByLabel('Store name').fill('Browser Pottery');
    await page.getByLabel('Email').fill('potter@example.com');
    await page.getByLabel('Country').selectOption('US');
    await page.getByRole('button', { name: 'Continue to Stripe' }).click();
    await page.waitForURL(`${stack.emulator.url}/connect/onboarding/**`);
    await page.click('#complete');

    // 2. Back on our side: the store page, active, with its pages and the seller's panel.
    await page.waitForURL(`${stack.url}/store.html?**`);
    const url = new URL(page.url());
    const slug = url.searchParams.get('slug')!;
    expect(slug).toBe('browser-pottery');
    expect(url.searchParams.get('onboarded')).toBe('1');
    expect(url.hash).toBe(''); // the state left the address bar
    await expect.poll(() => page.getAttribute('#status', 'data-status')).toBe('active');
    expect(await page.textContent('#store-name')).toBe('Browser Pottery');
    for (const id of ['home', 'products', 'about', 'contact']) expect(await page.isVisible(`section#${id} h2`)).toBe(true);
    expect(await page.textContent('#about h2')).toBe('About Browser Pottery');
    expect(await page.isVisible('#continue-onboarding')).toBe(false);
    // Nothing private reaches the page: the seller's login email is not on the contact page.
    expect(await page.textContent('#contact')).not.toContain('potter@example.com');
    const [store] = await stack.db.select().from(stores).where(eq(stores.slug, slug));
    expect(store).toMatchObject({ status: 'active', chargesEnabled: true });

    // The seller's Express dashboard, through a login link minted on click.
    await page.getByRole('link', { name: 'Open your Stripe Express dashboard' }).click();
    await page.waitForURL(`${stack.emulator.url}/connect/express/${store!.accountId}`);
    expect(await page.textContent('h1')).toBe('Browser Pottery');
    await page.goBack();
    await page.waitForURL(`${stack.url}/store.html?**`);

    // 3. The platform lists a product for the seller, tagged with their account (destination
    //    charges sell platform prices); the catalogue webhook puts it in the store.
    await stripe.products.create({
      name: 'Glazed Bowl',
      description: 'Stoneware, dishwasher safe.',
      default_price_data: { currency: 'usd', unit_amount: 4321 },
      metadata: { store_account_id: store!.accountId },
    });
    // The price carries no tag of its own: it is the store's through its product.
    const storePrices = () => stack.db.select().from(prices).innerJoin(products, eq(products.stripeId, prices.productStripeId))
      .where(eq(products.accountId, store!.accountId));
    await expect.poll(async () => (await storePrices()).length, { timeout: 15_000 }).toBe(1);
    await page.reload();
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    const buy = page.getByRole('button', { name: 'Buy Glazed Bowl' });
    await buy.waitFor();
    expect(await buy.getAttribute('data-store')).toBe(slug);
    expect(await page.textContent('#products')).toContain('$43.21');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'marketplace-store.png'), fullPage: true });

    // 4. A shopper buys it: hosted checkout, pay, success page.
    await buy.click();
    await page.waitForURL(`${stack.emulator.url}/checkout/**`);
    await page.click('#pay');
    await page.waitForURL(`${stack.url}/success.html?**`);
    await expect.poll(() => page.textContent('#status'), { timeout: 15_000 }).toBe('Paid');
    const sessionId = new URL(page.url()).searchParams.get('session_id')!;

    // 5. The order belongs to the store; the fee is SPEC's formula and the seller gets the rest.
    const [order] = await stack.db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId));
    const fee = applicationFeeAmount(4321, store!.settings.feeBps, 'usd');
    expect(fee).toBe(Math.floor((4321 * store!.settings.feeBps + 5000) / 10_000));
    expect(order).toMatchObject({ status: 'paid', storeId: store!.id, amountTotal: 4321, currency: 'usd', applicationFeeAmount: fee });
    const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] });
    const pi = session.payment_intent as Stripe.PaymentIntent;
    expect(pi.transfer_data?.destination).toBe(store!.accountId);
    expect(pi.application_fee_amount).toBe(fee);
    expect(pi.amount - fee + fee).toBe(4321);
  });
});
