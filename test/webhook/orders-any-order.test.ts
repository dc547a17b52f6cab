// Orders under duplicate, concurrent and out-of-order payment events: every delivery order of a
// purchase's events (or a spread-out sample of them) ends in the natural order's state.
// Every event is hand-built (unique ids per purchase) and delivered signed through the route.
import { eq, or } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { createIntentRoute } from '../../lib/checkout/create-intent-route.js';
import { emailOutbox, entitlements, orders, stores } from '../../lib/db/schema.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { jsonInit } from '../checkout/support.js';
import { deliver, driver, event, eventRow, orderByPi, sdkFor } from './support.js';

let seq = 0;
const EMAIL = 'shopper@example.com';

/** One purchase's ids and builders for each of its events (fresh event ids each call). */
function world(opts: { amount?: number; destination?: string; fee?: number; cs?: string; pi?: string } = {}) {
  const n = `${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const amount = opts.amount ?? 2500;
  const ids = { cs: opts.cs ?? `cs_test_rv_${n}`, pi: opts.pi ?? `pi_rv_${n}`, ch: `ch_rv_${n}`, ch2: `ch_rv2_${n}` };
  const base = Math.floor(Date.now() / 1000) - 1000;
  let evt = 0;
  const env = (type: string, created: number, object: Record<string, unknown>) => {
    const e = event(type, { created, data: { object } });
    e.id = `evt_rv_${n}_${evt++}`;
    return e;
  };
  const line = {
    id: `li_${n}`, object: 'item', amount_total: amount, amount_subtotal: amount, currency: 'usd', description: 'Demo T-shirt', quantity: 1,
    price: { id: 'price_demo_tshirt_usd', object: 'price', product: 'prod_demo_tshirt', unit_amount: amount, currency: 'usd' },
  };
  const transfer = opts.destination ? { transfer_data: { destination: opts.destination }, application_fee_amount: opts.fee ?? 0 } : {};
  const session = (status: string, paymentStatus: string, extra: Record<string, unknown> = {}) => ({
    id: ids.cs, status, payment_status: paymentStatus, payment_intent: ids.pi, amount_total: amount, amount_subtotal: amount,
    currency: 'usd', customer_details: status === 'complete' ? { email: EMAIL, name: 'Demo Shopper' } : null,
    line_items: { object: 'list', data: status === 'expired' ? [] : [line], has_more: false }, ...extra,
  });
  const charge = (id: string, extra: Record<string, unknown> = {}) => ({
    id, payment_intent: ids.pi, amount, currency: 'usd', amount_refunded: 0, refunded: false,
    receipt_url: `http://127.0.0.1:12111/receipts/${id}`, billing_details: { email: EMAIL }, receipt_email: null, ...transfer, ...extra,
  });
  const intent = (extra: Record<string, unknown> = {}) => ({ id: ids.pi, amount, currency: 'usd', receipt_email: null, ...transfer, ...extra });
  return {
    ids,
    completedUnpaid: () => env('checkout.session.completed', base + 10, session('complete', 'unpaid')),
    completedPaid: () => env('checkout.session.completed', base + 20, session('complete', 'paid')),
    asyncSucceeded: () => env('checkout.session.async_payment_succeeded', base + 20, session('complete', 'paid')),
    asyncFailed: () => env('checkout.session.async_payment_failed', base + 20, session('complete', 'unpaid')),
    expired: () => env('checkout.session.expired', base + 40, session('expired', 'unpaid', { url: null })),
    piSucceeded: (extra: Record<string, unknown> = {}) => env('payment_intent.succeeded', base + 20, intent({ status: 'succeeded', latest_charge: ids.ch, ...extra })),
    piFailed: () => env('payment_intent.payment_failed', base + 5, intent({ status: 'requires_payment_method', latest_charge: ids.ch2 })),
    piCanceled: () => env('payment_intent.canceled', base + 40, intent({ status: 'canceled', latest_charge: ids.ch2 })),
    chargeFailed: () => env('charge.failed', base + 5, charge(ids.ch2, { status: 'failed', paid: false, receipt_url: null })),
    chargeSucceeded: (extra: Record<string, unknown> = {}) => env('charge.succeeded', base + 20, charge(ids.ch, extra)),
    refunded: (cumulative: number, at = 30) => env('charge.refunded', base + at, charge(ids.ch, { amount_refunded: cumulative, refunded: cumulative >= amount })),
    dispute: (disputed = amount) => env('charge.dispute.created', base + 60, {
      id: `dp_${n}`, object: 'dispute', amount: disputed, currency: 'usd', charge: ids.ch, payment_intent: ids.pi, status: 'needs_response',
    }),
  };
}
type World = ReturnType<typeof world>;

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('orders: any delivery order of a purchase\'s events ends the same', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const send = async (e: { id: string }) => {
    const res = await deliver(app, e);
    if (res.status !== 200) throw new Error(`${res.status} for ${(e as any).type}: ${(await eventRow(app, e.id))?.lastError}`);
    return res.body;
  };

  /** Every order row touching this purchase, and the observable state of the (single) one. */
  async function finalState(w: World) {
    const rows = await app.db.select().from(orders)
      .where(or(eq(orders.paymentIntentId, w.ids.pi), eq(orders.checkoutSessionId, w.ids.cs)));
    expect(rows, 'one order per purchase').toHaveLength(1);
    const o = rows[0]!;
    const ents = await app.db.select().from(entitlements).where(eq(entitlements.orderId, o.id));
    const mail = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, o.id));
    return {
      status: o.status, amountTotal: o.amountTotal, amountRefunded: o.amountRefunded, chargeId: o.chargeId,
      session: o.checkoutSessionId, items: o.items.length, email: o.email, fulfilled: o.fulfilledAt !== null,
      paid: o.paidAt !== null, refundedAt: o.refundedAt !== null, storeId: o.storeId, fee: o.applicationFeeAmount,
      entitlements: ents.map((e) => ({ product: e.productStripeId, active: e.active, email: e.email })),
      emails: mail.map((m) => m.to),
    };
  }

  it('delayed purchase + partial then full refund: 120 of the 720 orders of its 6 events end in the same state', async () => {
    const kinds = ['completedUnpaid', 'asyncSucceeded', 'piSucceeded', 'chargeSucceeded', 'partial', 'full'] as const;
    const build = (w: World, k: (typeof kinds)[number]) =>
      k === 'partial' ? w.refunded(1000, 30) : k === 'full' ? w.refunded(2500, 31) : w[k]();
    const expected = {
      status: 'refunded', amountTotal: 2500, amountRefunded: 2500, items: 1, email: EMAIL, fulfilled: true, paid: true,
      refundedAt: true, storeId: null, fee: null, entitlements: [{ product: 'prod_demo_tshirt', active: false, email: EMAIL }], emails: [EMAIL],
    };
    const all = permutations([...kinds]);
    // A fixed, spread-out sample (every 6th permutation: 120 of 720) keeps the run short.
    for (const perm of all.filter((_, i) => i % 6 === 0)) {
      const w = world();
      for (const k of perm) await send(build(w, k));
      const state = await finalState(w);
      expect({ perm, ...state }).toEqual({ perm, ...expected, chargeId: w.ids.ch, session: w.ids.cs });
    }
  }, 300_000);

  it('the same six events, all at once, each delivered twice concurrently: one order, one fulfilment', async () => {
    for (let round = 0; round < 5; round++) {
      const w = world();
      const events = [w.completedUnpaid(), w.asyncSucceeded(), w.piSucceeded(), w.chargeSucceeded(), w.refunded(1000, 30), w.refunded(2500, 31)];
      const results = await Promise.all([...events, ...events].map((e) => deliver(app, e)));
      // A race between them (a unique key, a deadlock) is retried inside: every delivery is a 200.
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      // Never both deliveries of one event applied.
      for (let i = 0; i < events.length; i++) {
        expect([results[i]!.body.status, results[i + 6]!.body.status].filter((x) => x === 'processed').length).toBeLessThanOrEqual(1);
      }
      expect(await finalState(w)).toMatchObject({
        status: 'refunded', amountRefunded: 2500, fulfilled: true, items: 1,
        entitlements: [{ product: 'prod_demo_tshirt', active: false, email: EMAIL }], emails: [EMAIL],
      });
    }
  });

  it('a dispute after a full refund leaves it refunded (revoked); a dispute before the refund ends the same', async () => {
    const a = world();
    for (const e of [a.completedPaid(), a.refunded(2500), a.dispute()]) await send(e);
    const b = world();
    for (const e of [b.dispute(), b.completedPaid(), b.refunded(2500)]) await send(e);
    const expected = { status: 'refunded', amountRefunded: 2500, fulfilled: true, entitlements: [{ product: 'prod_demo_tshirt', active: false, email: EMAIL }], emails: [EMAIL] };
    expect(await finalState(a)).toMatchObject(expected);
    expect(await finalState(b)).toMatchObject(expected);
  });

  it('a refund before the order: partial-only ends partially_refunded and entitlements stay active', async () => {
    const w = world();
    for (const e of [w.refunded(1000), w.completedPaid(), w.chargeSucceeded()]) await send(e);
    expect(await finalState(w)).toMatchObject({
      status: 'partially_refunded', amountRefunded: 1000, fulfilled: true,
      entitlements: [{ product: 'prod_demo_tshirt', active: true, email: EMAIL }], emails: [EMAIL],
    });
  });

  it('full refund then late paid events (session, PI, charge, async): entitlements are not re-granted, one email', async () => {
    const w = world();
    for (const e of [w.completedPaid(), w.refunded(2500)]) await send(e);
    for (const e of [w.asyncSucceeded(), w.piSucceeded(), w.chargeSucceeded(), w.completedPaid(), w.refunded(1000)]) await send(e);
    expect(await finalState(w)).toMatchObject({
      status: 'refunded', amountRefunded: 2500, entitlements: [{ product: 'prod_demo_tshirt', active: false, email: EMAIL }], emails: [EMAIL],
    });
  });

  it('failed then succeeded payment (declined card, retried): sampled orders → paid with the good charge, fulfilled once', async () => {
    const make = (w: World) => [w.piFailed(), w.chargeFailed(), w.piSucceeded(), w.chargeSucceeded(), w.completedPaid()];
    for (const perm of permutations([0, 1, 2, 3, 4]).filter((_, i) => i % 4 === 0)) {
      const w = world();
      const events = make(w);
      for (const i of perm) await send(events[i]!);
      expect({ perm, ...(await finalState(w)) }).toMatchObject({
        perm, status: 'paid', chargeId: w.ids.ch, fulfilled: true, entitlements: [{ active: true }], emails: [EMAIL],
      });
    }
  }, 120_000);

  it('async_payment_failed in any order with completed(unpaid) and payment_failed → failed, never fulfilled', async () => {
    for (const perm of permutations([0, 1, 2])) {
      const w = world();
      const events = [w.completedUnpaid(), w.asyncFailed(), w.piFailed()];
      for (const i of perm) await send(events[i]!);
      expect(await finalState(w)).toMatchObject({ status: 'failed', fulfilled: false, entitlements: [], emails: [] });
    }
  });

  it('a declined card, then a bank debit in the same session: processing in any order; its outcome decides the end', async () => {
    // piFailed and chargeFailed at +5, completed (unpaid) at +10, the debit's outcome at +20.
    const attempt = (w: World) => [w.piFailed(), w.chargeFailed(), w.completedUnpaid()];
    for (const perm of permutations([0, 1, 2])) {
      const w = world();
      const events = attempt(w);
      for (const i of perm) await send(events[i]!);
      expect({ perm, ...(await finalState(w)) }).toMatchObject({ perm, status: 'processing', fulfilled: false });
    }
    for (const outcome of ['asyncFailed', 'asyncSucceeded'] as const) {
      for (const perm of permutations([0, 1, 2, 3]).filter((_, i) => i % 3 === 0)) {
        const w = world();
        const events = [...attempt(w), w[outcome]()];
        for (const i of perm) await send(events[i]!);
        expect({ perm, ...(await finalState(w)) }).toMatchObject(
          { perm, ...(outcome === 'asyncFailed' ? { status: 'failed', fulfilled: false } : { status: 'paid', fulfilled: true }) },
        );
      }
    }
  });

  it('destination charge: store and application fee whatever arrives first (session, PI, charge)', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Review Fee Shop' } });
    await send(event('account.updated', { account: account.id, data: { object: account } }));
    const [store] = await app.db.select().from(stores).where(eq(stores.accountId, account.id));
    for (const perm of permutations([0, 1, 2])) {
      const w = world({ destination: account.id, fee: 63 });
      const events = [w.completedPaid(), w.piSucceeded(), w.chargeSucceeded()];
      for (const i of perm) await send(events[i]!);
      expect({ perm, ...(await finalState(w)) }).toMatchObject({ perm, status: 'paid', storeId: store!.id, fee: 63, fulfilled: true });
    }
  });

  const sixKinds = ['completedUnpaid', 'asyncSucceeded', 'piSucceeded', 'chargeSucceeded', 'partial', 'full'] as const;
  const buildKind = (w: World, k: (typeof sixKinds)[number]) =>
    k === 'partial' ? w.refunded(1000, 30) : k === 'full' ? w.refunded(2500, 31) : w[k]();
  const openOrder = async () => {
    const res = await app.call(createCheckoutSessionRoute, '/api/create-checkout-session', jsonInit({ priceId: 'price_demo_tshirt_usd' }));
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  };

  it('with the open order from create-checkout-session (the real flow): sampled permutations and all-at-once end the same', async () => {
    const expected = {
      status: 'refunded', amountTotal: 2500, amountRefunded: 2500, items: 1, email: EMAIL, fulfilled: true, paid: true,
      refundedAt: true, entitlements: [{ product: 'prod_demo_tshirt', active: false, email: EMAIL }], emails: [EMAIL],
    };
    for (const perm of permutations([...sixKinds]).filter((_, i) => i % 12 === 0)) {
      const w = world({ cs: await openOrder() });
      for (const k of perm) await send(buildKind(w, k));
      expect({ perm, ...(await finalState(w)) }).toMatchObject({ perm, ...expected, chargeId: w.ids.ch });
    }
    for (let round = 0; round < 5; round++) {
      const w = world({ cs: await openOrder() });
      const events = sixKinds.map((k) => buildKind(w, k));
      const results = await Promise.all([...events, ...events].map((e) => deliver(app, e)));
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      expect(await finalState(w)).toMatchObject({ ...expected, chargeId: w.ids.ch });
    }
  }, 120_000);

  it('create-intent order with an email: PI, charge, partial + full refund, dispute in any order end the same', async () => {
    const kinds = ['pi', 'ch', 'partial', 'full', 'dispute'] as const;
    for (const perm of permutations([...kinds]).filter((_, i) => i % 4 === 0)) {
      const res = await app.call(createIntentRoute, '/api/create-intent', jsonInit({ items: [{ priceId: 'price_demo_tshirt_usd', quantity: 1 }], email: EMAIL }));
      const { paymentIntentId } = (await res.json()) as { paymentIntentId: string };
      const w = world({ pi: paymentIntentId });
      const build = (k: (typeof kinds)[number]) =>
        k === 'pi' ? w.piSucceeded({ receipt_email: EMAIL }) : k === 'ch' ? w.chargeSucceeded() : k === 'partial' ? w.refunded(1000) : k === 'full' ? w.refunded(2500, 31) : w.dispute();
      for (const k of perm) await send(build(k));
      expect({ perm: perm.join(','), ...(await finalState(w)) }).toMatchObject({
        perm: perm.join(','), status: 'refunded', amountTotal: 2500, amountRefunded: 2500, fulfilled: true, chargeId: w.ids.ch, email: EMAIL,
        entitlements: [{ product: 'prod_demo_tshirt', active: false, email: EMAIL }], emails: [EMAIL],
      });
    }
  }, 120_000);

  it('a declined attempt then the session\'s expiry: expired in either order', async () => {
    // The real flow: an open order from create-checkout-session; the card is declined (PI payment_failed,
    // event at t+5), the shopper leaves, the session expires (t+40; its payment_intent is the declined PI).
    const natural = world({ cs: await openOrder() });
    for (const e of [natural.piFailed(), natural.expired()]) await send(e);
    const reversed = world({ cs: await openOrder() });
    for (const e of [reversed.expired(), reversed.piFailed()]) await send(e);
    const a = await finalState(natural);
    const b = await finalState(reversed);
    expect({ natural: a.status, reversed: b.status }).toEqual({ natural: 'expired', reversed: 'expired' });
  });

  it('a create-intent order without an email: the charge\'s billing email brings one confirmation, whichever of intent and charge comes first', async () => {
    const createOrder = async () => {
      const res = await app.call(createIntentRoute, '/api/create-intent', jsonInit({ items: [{ priceId: 'price_demo_tshirt_usd', quantity: 1 }] }));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { paymentIntentId: string };
      const w = world();
      // Rebind this world's events to the real PaymentIntent the route created.
      const rebind = (e: any) => {
        const o = e.data.object;
        if (o.object === 'payment_intent' || o.id === w.ids.pi) o.id = body.paymentIntentId;
        if (o.payment_intent === w.ids.pi) o.payment_intent = body.paymentIntentId;
        return e;
      };
      return { pi: body.paymentIntentId, pis: () => rebind(w.piSucceeded()), chs: () => rebind(w.chargeSucceeded()) };
    };
    const state = async (pi: string) => {
      const o = (await orderByPi(app, pi))!;
      const mail = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, o.id));
      const ents = await app.db.select().from(entitlements).where(eq(entitlements.orderId, o.id));
      return { status: o.status, email: o.email, fulfilled: o.fulfilledAt !== null, emails: mail.map((m) => m.to), entitlementEmails: ents.map((e) => e.email) };
    };
    const chargeFirst = await createOrder();
    await send(chargeFirst.chs());
    await send(chargeFirst.pis());
    const intentFirst = await createOrder();
    await send(intentFirst.pis());
    await send(intentFirst.chs());
    const a = await state(chargeFirst.pi);
    const b = await state(intentFirst.pi);
    expect(a).toEqual({ status: 'paid', email: EMAIL, fulfilled: true, emails: [EMAIL], entitlementEmails: [EMAIL] });
    expect(b).toEqual(a);
  });

  it('a create-intent order keeps the email given: with a dispute delivered first, one confirmation still goes to it', async () => {
    const res = await app.call(createIntentRoute, '/api/create-intent', jsonInit({ items: [{ priceId: 'price_demo_tshirt_usd', quantity: 1 }], email: EMAIL }));
    const { paymentIntentId } = (await res.json()) as { paymentIntentId: string };
    expect(await orderByPi(app, paymentIntentId)).toMatchObject({ status: 'open', email: EMAIL });
    const w = world({ pi: paymentIntentId });
    for (const e of [w.dispute(), w.piSucceeded({ receipt_email: EMAIL }), w.chargeSucceeded()]) await send(e);
    expect(await finalState(w)).toMatchObject({
      status: 'disputed', email: EMAIL, fulfilled: true,
      entitlements: [{ product: 'prod_demo_tshirt', active: true, email: EMAIL }], emails: [EMAIL],
    });
  });

  it('a partial dispute seen before the payment does not become the order\'s total', async () => {
    // A payment made outside our checkout (promise 8): only payment events, no session, no create-intent.
    const natural = world();
    for (const e of [natural.piSucceeded(), natural.chargeSucceeded(), natural.dispute(1000)]) await send(e);
    const early = world();
    for (const e of [early.dispute(1000), early.piSucceeded(), early.chargeSucceeded()]) await send(e);
    const a = (await orderByPi(app, natural.ids.pi))!;
    const b = (await orderByPi(app, early.ids.pi))!;
    expect(a).toMatchObject({ status: 'disputed', amountTotal: 2500 });
    expect(b).toMatchObject({ status: 'disputed', amountTotal: 2500 });
  });
});
