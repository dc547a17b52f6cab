import { eq } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { prices, products, stores } from '../../lib/db/schema.js';
import { CHROMIUM_PATH, chromiumAvailable, launchBrowser, startBrowserStack, type BrowserStack, type TestBrowser } from '../support/browser.js';
import { sdkFor } from '../support/sdk.js';
import { expressAccount } from '../connect/support.js';

describe.runIf(chromiumAvailable() && inject('postgres'))('public pages in a real browser: the owner\'s markup, the way back, Back from onboarding', () => {
  let stack: BrowserStack;
  let browser: TestBrowser;
  let page: Page;
  let stripe: Stripe;

  beforeAll(async () => {
    stack = await startBrowserStack();
    browser = await launchBrowser();
    stripe = sdkFor(stack.emulator);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    return () => page.close();
  });

  it("button script: an error does not overwrite the site's own aria-describedby hint", async () => {
    await page.goto(`${stack.url}/`);
    await page.evaluate(() => {
      const button = document.querySelector('[data-price-id="price_demo_retired"]')!;
      const hint = document.createElement('p');
      hint.id = 'retired-hint';
      hint.textContent = 'Ships within two days.';
      button.before(hint);
      button.setAttribute('aria-describedby', 'retired-hint');
    });
    await page.getByRole('button', { name: 'Try to buy' }).click();
    // The error is reported somewhere on the page…
    await expect.poll(() => page.textContent('main')).toContain('no longer available');
    // …but the page's own text is left alone.
    expect(await page.textContent('#retired-hint')).toBe('Ships within two days.');
  });

  it("canceling a store purchase leads back to that seller's store, not the platform's demo shop", async () => {
    const account = await expressAccount(stripe, stack.emulator);
    await expect.poll(async () => (await stack.db.select().from(stores).where(eq(stores.accountId, account.id)))[0]?.status,
      { timeout: 15_000 }).toBe('active');
    const [store] = await stack.db.select().from(stores).where(eq(stores.accountId, account.id));
    await stripe.products.create({
      name: 'Return Vase',
      default_price_data: { currency: 'usd', unit_amount: 1500 },
      metadata: { store_account_id: account.id },
    });
    await expect.poll(async () => (await stack.db.select().from(prices).innerJoin(products, eq(products.stripeId, prices.productStripeId))
      .where(eq(products.accountId, account.id))).length, { timeout: 15_000 }).toBe(1);

    await page.goto(`${stack.url}/store.html?slug=${store!.slug}`);
    await page.getByRole('button', { name: 'Buy Return Vase' }).click();
    await page.waitForURL(`${stack.emulator.url}/checkout/**`);
    await page.click('#cancel');
    await page.waitForURL(`${stack.url}/canceled.html**`);
    const href = await page.getByRole('link', { name: /back to the shop/i }).getAttribute('href');
    expect(new URL(href!, page.url()).href).toBe(`${stack.url}/store.html?slug=${store!.slug}`);
  });

  it('sell.html: coming Back from Stripe onboarding (back/forward cache) leaves the form usable', async () => {
    // launchBrowser() with Playwright's --disable-back-forward-cache removed, as in a real browser.
    const dir = await mkdtemp(path.join(tmpdir(), 'chromium-test-'));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    try {
      const p = await context.newPage();
      await p.goto(`${stack.url}/sell.html`);
      await p.getByLabel('Store name').fill('Back Button Shop');
      await p.getByLabel('Email').fill('back@example.com');
      await p.getByRole('button', { name: 'Continue to Stripe' }).click();
      await p.waitForURL(`${stack.emulator.url}/connect/onboarding/**`);
      await p.goBack({ waitUntil: 'commit', timeout: 10_000 });
      await p.waitForURL(`${stack.url}/sell.html`, { waitUntil: 'commit' });
      await p.getByRole('button', { name: 'Continue to Stripe' }).waitFor();
      const restored = await p.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type);
      expect(restored).toBe('navigate'); // restored from the back/forward cache, not reloaded ('back_forward')
      // The seller noticed a typo and wants to fix it and continue.
      expect(await p.getByRole('button', { name: 'Continue to Stripe' }).isEnabled()).toBe(true);
    } finally {
      await context.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
