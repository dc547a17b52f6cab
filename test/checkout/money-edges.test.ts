// Money at its edges: Stripe's minor units per currency (not always ISO's), fees in the steps
// Stripe accepts, the confirmation email, the pages' formatting, order-status of odd sessions.
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { createIntentRoute } from '../../lib/checkout/create-intent-route.js';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { emailOutbox, orders } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { expressAccount, insertStore, storePrice } from '../connect/support.js';
import { driver, jsonInit, PATH, sdkFor } from './support.js';

const INTENT = '/api/create-intent';

interface View { status: string; amountTotal: number; currency: string; items: Array<{ name: string; quantity: number }> }

describe('money at the edges', () => {
  let app: TestApp;
  let stripe: Stripe;
  let accountId: string;

  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
    accountId = (await expressAccount(stripe, app.emulator!)).id;
    await insertStore(app.db, { slug: 'rv-shop', accountId, status: 'active', feeBps: 250 });
    await insertStore(app.db, { slug: 'rv-eur', accountId: (await expressAccount(stripe, app.emulator!)).id, status: 'active', currency: 'eur' });
  });
  afterAll(() => app.stop());

  /** A platform price (no store) at the emulator. */
  async function platformPrice(currency: string, amount: number, name = `Thing ${currency}`): Promise<string> {
    return (await stripe.prices.create({ currency, unit_amount: amount, product_data: { name } })).id;
  }

  async function checkout(priceId: string, quantity = 1): Promise<string> {
    const res = await app.call(createCheckoutSessionRoute, PATH, jsonInit({ priceId, quantity }));
    const body = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.id;
  }

  async function status(sessionId: string): Promise<View> {
    const res = await app.call(orderStatusRoute, `/api/order-status?session_id=${sessionId}`);
    expect(res.status).toBe(200);
    return (await res.json()) as View;
  }

  async function outboxText(sessionId: string) {
    const [order] = await app.db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId));
    const [mail] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order!.id));
    return mail!;
  }

  async function intent(body: unknown) {
    const res = await app.call(createIntentRoute, INTENT, jsonInit(body));
    return { status: res.status, body: (await res.json()) as any };
  }

  // ---- confirmation email: Stripe's minor unit, not ISO/CLDR's -------------------------------
  // Stripe: HUF, IDR, COP, PKR, ISK… are two-decimal in the API (ISK: "an ISK amount of 100
  // continues to represent 1 króna"); Intl (ICU 78) says 0 digits for them.
  it.each([
    ['huf', 100_000, /HUF\s?1,000(\.00)?(?!\d)/, '100,000'],
    ['isk', 50_000, /ISK\s?500(\.00)?(?!\d)/, '50,000'],
    ['idr', 1_500_000, /IDR\s?15,000(\.00)?(?!\d)/, '1,500,000'],
  ])('confirmation email shows a %s total in major units (Stripe two-decimal)', async (currency, amount, shown, wrong) => {
    const id = await checkout(await platformPrice(currency, amount));
    await app.emulator!.completeCheckoutSession(id, 'paid');
    expect((await status(id)).status).toBe('paid');
    const mail = await outboxText(id);
    expect(mail.text).not.toContain(wrong);
    expect(mail.text).toMatch(shown);
  });

  it('zero- and three-decimal totals in the email (JPY, KWD), markup in names escaped', async () => {
    const jpy = await checkout(await platformPrice('jpy', 1500, 'Cup <b>&</b> "saucer"'), 3);
    await app.emulator!.completeCheckoutSession(jpy, 'paid');
    await status(jpy);
    const j = await outboxText(jpy);
    expect(j.text).toContain('¥4,500');
    expect(j.html).not.toContain('<b>');
    expect(j.html).toContain('&#60;b&#62;');
    const kwd = await checkout(await platformPrice('kwd', 1230));
    await app.emulator!.completeCheckoutSession(kwd, 'paid');
    await status(kwd);
    expect((await outboxText(kwd)).text).toMatch(/KWD\s1\.230/);
  });

  // ---- success.html / store.html use the same Intl digits ------------------------------------
  // The pages format with public/money.js, which each of them loads.
  function pageMoney(): (amount: number, currency: string) => string {
    const src = readFileSync(new URL('../../public/money.js', import.meta.url), 'utf8');
    const window: { stripeMoney?: (a: number, c: string, l?: string) => string } = {};
    new Function('window', src)(window);
    return (a, c) => window.stripeMoney!(a, c, 'en-US').replace(/\u00a0/g, ' ');
  }
  it.each(['success.html', 'store.html', 'admin.html'])('%s formats with money.js: HUF 1,000.00 (amount 100000) is 1,000 forints', (file) => {
    expect(readFileSync(new URL(`../../public/${file}`, import.meta.url), 'utf8')).toContain('<script src="/money.js"></script>');
    const money = pageMoney();
    expect(money(1500, 'jpy')).toBe('¥1,500'); // zero-decimal
    expect(money(100_000, 'huf')).toBe('HUF 1,000');
    expect(money(50_000, 'isk')).toBe('ISK 500');
    expect(money(1230, 'kwd')).toBe('KWD 1.230');
    expect(money(2500, 'usd')).toBe('$25.00');
  });

  // ---- fees under Stripe's per-currency amount rules -----------------------------------------
  it('an ISK destination charge gets a fee in whole krónur (multiple of 100)', async () => {
    const price = await storePrice(stripe, app.db, accountId, { name: 'Wool', currency: 'isk', amount: 50_000 });
    const { status: s, body } = await intent({ store: 'rv-shop', items: [{ priceId: price }] });
    expect(s, JSON.stringify(body)).toBe(200);
    expect(body.amountTotal).toBe(50_000);
    // 2.5 % of 500 kr = 12.5 kr → half up: 13 kr. Stripe refuses ISK amounts not divisible by 100.
    expect(body.applicationFeeAmount % 100).toBe(0);
    expect(body.applicationFeeAmount).toBe(1300);
  });

  it('a KWD (three-decimal) destination charge gets a fee whose last digit is 0', async () => {
    const price = await storePrice(stripe, app.db, accountId, { name: 'Dates', currency: 'kwd', amount: 1010 });
    const { status: s, body } = await intent({ store: 'rv-shop', items: [{ priceId: price }] });
    expect(s, JSON.stringify(body)).toBe(200);
    // 2.5 % of 1.010 KWD = 0.02525 → Stripe wants multiples of 10 fils: 0.030.
    expect(body.applicationFeeAmount % 10).toBe(0);
  });

  it('fee half up at the boundary, several items × quantity, never above the total, store currency ≠ price currency', async () => {
    // 2.5 % of 20 = 0.5 → 1 (half up); of 19 = 0.475 → 0.
    const p20 = await storePrice(stripe, app.db, accountId, { name: 'Pin', currency: 'usd', amount: 20 });
    const p19 = await storePrice(stripe, app.db, accountId, { name: 'Clip', currency: 'usd', amount: 19 });
    expect((await intent({ store: 'rv-shop', items: [{ priceId: p20 }] })).body.applicationFeeAmount).toBe(1);
    expect((await intent({ store: 'rv-shop', items: [{ priceId: p19 }] })).body.applicationFeeAmount).toBe(0);
    const multi = await intent({ store: 'rv-shop', items: [{ priceId: p20, quantity: 3 }, { priceId: p19, quantity: 7 }] });
    expect(multi.body).toMatchObject({ amountTotal: 193, applicationFeeAmount: 5, currency: 'usd' });
    const yen = await storePrice(stripe, app.db, accountId, { name: 'Bento', currency: 'jpy', amount: 99 });
    const y = await intent({ store: 'rv-shop', items: [{ priceId: yen, quantity: 99 }] });
    expect(y.body).toMatchObject({ amountTotal: 9801, applicationFeeAmount: 245, currency: 'jpy' });
    expect(y.body.applicationFeeAmount).toBeLessThanOrEqual(y.body.amountTotal);
    // The store's settings say eur; the intent follows its prices.
    const eurStoreAccount = (await app.db.query.stores.findFirst({ where: (s, { eq: e }) => e(s.slug, 'rv-eur') }))!.accountId;
    const usdForEur = await storePrice(stripe, app.db, eurStoreAccount, { name: 'Lamp', currency: 'usd', amount: 1000 });
    expect((await intent({ store: 'rv-eur', items: [{ priceId: usdForEur }] })).body).toMatchObject({ currency: 'usd', amountTotal: 1000, applicationFeeAmount: 25 });
  });

  // ---- totals Stripe cannot charge are bad input (400), not "Stripe failed, try again" (502) --
  it('a create-intent total of 0 (free price) is refused as 400, not 502 stripe_error', async () => {
    const free = await platformPrice('usd', 0, 'Sticker');
    const { status: s, body } = await intent({ items: [{ priceId: free }] });
    expect(s, JSON.stringify(body)).toBe(400);
  });

  // ---- order-status ---------------------------------------------------------------------------
  it('order-status of an expired session we recorded answers expired (webhook not yet arrived)', async () => {
    const id = await checkout('price_demo_tshirt_usd');
    await stripe.checkout.sessions.expire(id);
    const view = await status(id);
    expect(view.status).toBe('expired');
  });

  it('order-status of a subscription-mode session and of a no_payment_required session', async () => {
    const sub = await checkout('price_demo_membership_monthly');
    await app.emulator!.completeCheckoutSession(sub, 'paid');
    const sv = await status(sub);
    const price = await stripe.prices.retrieve('price_demo_membership_monthly', { expand: ['product'] });
    expect(sv).toEqual({ status: 'paid', amountTotal: price.unit_amount, currency: price.currency, items: [{ name: (price.product as Stripe.Product).name, quantity: 1 }] });

    const free = await checkout(await platformPrice('eur', 0, 'Freebie'), 2);
    await app.emulator!.completeCheckoutSession(free, 'paid');
    expect(await status(free)).toEqual({ status: 'paid', amountTotal: 0, currency: 'eur', items: [{ name: 'Freebie', quantity: 2 }] });
    expect((await outboxText(free)).text).toContain('€0.00');
  });
});
