import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orders, webhookEvents } from '../../lib/db/schema.js';
import { chromiumAvailable, launchBrowser, startBrowserStack, type BrowserStack, type TestBrowser } from '../support/browser.js';
import { breakOrders, repairOrders } from '../admin/flow.js';

const ADMIN_TOKEN = 'browser-admin-token-0123456789';

// The on-call path: a delivery failed because of something on our side; the operator signs in,
// reads the error, fixes the cause, presses Replay and sees the event processed.
describe.runIf(chromiumAvailable() && inject('postgres'))('admin page in a real browser', () => {
  let stack: BrowserStack;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    stack = await startBrowserStack({ env: { ADMIN_TOKEN } });
    browser = await launchBrowser();
    page = await browser.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function failedCheckout(): Promise<{ sessionId: string; eventId: string }> {
    const res = await fetch(`${stack.url}/api/create-checkout-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.url },
      body: JSON.stringify({ priceId: 'price_demo_tshirt_usd' }),
    });
    expect(res.status).toBe(200);
    const { id: sessionId } = (await res.json()) as { id: string };
    await breakOrders(stack.db);
    try {
      await stack.emulator.completeCheckoutSession(sessionId, 'paid');
      await stack.emulator.idle(); // every retry of the delivery fails too
    } finally {
      await repairOrders(stack.db); // the operator's fix; the event stays failed until replayed
    }
    const [event] = await stack.db.select().from(webhookEvents).where(eq(webhookEvents.type, 'checkout.session.completed'));
    expect(event).toMatchObject({ status: 'failed' });
    return { sessionId, eventId: event!.id };
  }

  it('a wrong token is refused and the sign-in form stays', async () => {
    await page.goto(`${stack.url}/admin.html`);
    await page.getByLabel('Admin token').fill('not-the-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('refused');
    expect(await page.getByLabel('Admin token').isVisible()).toBe(true);
  });

  it('sign in, see the failed event and its error, press Replay, see it processed', async () => {
    const { sessionId, eventId } = await failedCheckout();
    await page.goto(`${stack.url}/admin.html`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const row = page.locator(`#events tr[data-event-id="${eventId}"]`);
    await expect.poll(() => row.textContent()).toContain('failed');
    expect(await row.textContent()).toContain('read-only during maintenance');
    expect(await page.locator('#oldest-failed').textContent()).toContain('read-only during maintenance');

    await page.getByRole('button', { name: `Replay ${eventId}` }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`Replay of ${eventId}: processed`);
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('processed');
    expect(await page.getByRole('button', { name: `Replay ${eventId}` }).count()).toBe(0);
    expect(await page.locator('#event-stats').textContent()).toContain('processed');

    const [order] = await stack.db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId));
    expect(order).toMatchObject({ status: 'paid' });
    expect(await page.locator('#orders tbody').textContent()).toContain('paid');

    // The token lives in this tab only: a new tab (own sessionStorage) asks again.
    const other = await browser.newPage();
    await other.goto(`${stack.url}/admin.html`);
    expect(await other.getByLabel('Admin token').isVisible()).toBe(true);
    await other.close();
  });
});
