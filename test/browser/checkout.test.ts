import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { entitlements, orders } from '../../lib/db/schema.js';
import { ARTIFACTS_DIR, chromiumAvailable, launchBrowser, startBrowserStack, type BrowserStack, type TestBrowser } from '../support/browser.js';

// Shopper's path end to end: demo shop → button script → create-checkout-session → emulator's
// hosted checkout → success page polling order-status, against real Postgres.
describe.runIf(chromiumAvailable() && inject('postgres'))('checkout in a real browser', () => {
  let stack: BrowserStack;
  let browser: TestBrowser;
  let page: Page;
  let thirdParty: Awaited<ReturnType<typeof startThirdPartySite>>;

  beforeAll(async () => {
    thirdParty = await startThirdPartySite(() => stack.url);
    stack = await startBrowserStack({ env: { ALLOWED_ORIGINS: `http://127.0.0.1:${thirdParty.port}` } });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await thirdParty?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    return () => page.close();
  });

  const sessionIdIn = (url: string) => new URL(url).searchParams.get('session_id') ?? url.split('/checkout/')[1]!.split(/[/?#]/)[0]!;

  async function buy(name: string): Promise<string> {
    await page.goto(`${stack.url}/`);
    await page.getByRole('button', { name }).click();
    await page.waitForURL(`${stack.emulator.url}/checkout/**`);
    return sessionIdIn(page.url());
  }

  async function orderOf(sessionId: string) {
    const [row] = await stack.db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId));
    return row;
  }

  it('Buy T-shirt → Pay → success page shows Paid, the item and $25.00; the order is paid, fulfilled and entitled', async () => {
    const sessionId = await buy('Buy T-shirt');
    expect((await orderOf(sessionId))?.status).toBe('open');
    await page.click('#pay');
    await page.waitForURL(`${stack.url}/success.html?session_id=${sessionId}`);
    await expect.poll(() => page.textContent('#status'), { timeout: 15_000 }).toBe('Paid');
    expect(await page.textContent('#items')).toContain('Demo T-shirt');
    expect(await page.textContent('#total')).toBe('$25.00');
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'success.png'), fullPage: true });

    const order = await orderOf(sessionId);
    expect(order).toMatchObject({ status: 'paid', amountTotal: 2500, currency: 'usd' });
    expect(order!.fulfilledAt).toBeInstanceOf(Date);
    const granted = await stack.db.select().from(entitlements).where(eq(entitlements.orderId, order!.id));
    expect(granted.map((e) => e.productStripeId)).toEqual(['prod_demo_tshirt']);
    // The webhook landed too (whichever of it and the success page came first fulfilled once).
    await stack.emulator.idle();
    expect(stack.emulator.deliveries.filter((d) => d.type === 'checkout.session.completed').map((d) => d.status)).toContain(200);
  });

  it('a JPY purchase shows ¥1,500 (zero-decimal currency)', async () => {
    const sessionId = await buy('Buy Mug');
    await page.click('#pay');
    await page.waitForURL(`${stack.url}/success.html?**`);
    await expect.poll(() => page.textContent('#status'), { timeout: 15_000 }).toBe('Paid');
    expect(await page.textContent('#total')).toBe('¥1,500');
    expect((await orderOf(sessionId))?.status).toBe('paid');
  });

  it('a declined card shows the failure on the checkout page and leaves the order unpaid', async () => {
    const sessionId = await buy('Buy T-shirt');
    await page.click('#decline');
    await expect.poll(() => page.textContent('#error')).toContain('declined');
    expect(page.url()).toContain(`/checkout/${sessionId}`);
    const order = await orderOf(sessionId);
    expect(order!.status).not.toBe('paid');
    expect(order!.fulfilledAt).toBeNull();
  });

  it('Cancel lands on the cancel page with a way back', async () => {
    await buy('Buy T-shirt');
    await page.click('#cancel');
    await page.waitForURL(`${stack.url}/canceled.html`);
    expect(await page.textContent('h1')).toBe('Checkout canceled');
    await page.click('#back');
    await page.waitForURL(`${stack.url}/`);
  });

  it('a refused purchase shows a readable error in the live region and re-enables the button', async () => {
    await page.goto(`${stack.url}/`);
    const button = page.getByRole('button', { name: 'Try to buy' });
    await button.click();
    const region = page.locator('.stripe-checkout-error');
    await expect.poll(() => region.textContent()).toContain('no longer available');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    expect(await button.isEnabled()).toBe(true);
    expect(page.url()).toBe(`${stack.url}/`);
  });

  it('a button added after load works, and a double click creates one session', async () => {
    await page.goto(`${stack.url}/`);
    const count = async () => Number((await stack.db.select({ n: sql<number>`count(*)::int` }).from(orders))[0]!.n);
    const before = await count();
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.textContent = 'Late poster';
      b.dataset.priceId = 'price_demo_poster_eur';
      b.dataset.quantity = '3';
      document.body.append(b);
      b.click();
      b.click();
    });
    await page.waitForURL(`${stack.emulator.url}/checkout/**`);
    expect(await page.textContent('.quantity')).toContain('3');
    expect(await count()).toBe(before + 1);
  });

  it('a page on another origin uses the deployment through data-api-base; only ALLOWED_ORIGINS may', async () => {
    // 127.0.0.1:P is in ALLOWED_ORIGINS, localhost:P (same server, another origin) is not.
    await page.goto(`http://localhost:${thirdParty.port}/`);
    await page.getByRole('button', { name: 'Buy elsewhere' }).click();
    // The 403 carries no CORS headers, so the script cannot read it: it reports a failed request.
    await expect.poll(() => page.locator('.stripe-checkout-error').textContent()).toContain('Could not reach the checkout server');
    expect(page.url()).toBe(`http://localhost:${thirdParty.port}/`);

    await page.goto(`http://127.0.0.1:${thirdParty.port}/`);
    await page.getByRole('button', { name: 'Buy elsewhere' }).click();
    await page.waitForURL(`${stack.emulator.url}/checkout/**`);
  });
});

/** Someone else's site: a page with our script tag pointing at the deployment. */
async function startThirdPartySite(apiBase: () => string): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Elsewhere</title>
      <script src="${apiBase()}/stripe-checkout.js" data-api-base="${apiBase()}"></script>
      <button data-price-id="price_demo_tshirt_usd">Buy elsewhere</button>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
