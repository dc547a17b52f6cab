import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { customers, reconcileCheckpoints, stores } from '../../lib/db/schema.js';
import { reconcile } from '../../lib/reconcile/reconcile.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createCustomerAt, sdkFor } from './flow.js';
import { driver } from './support.js';

describe('reconcile: a failure in a backlog', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  it('a failing event in the oldest part of a backlog must not stop newer events from ever being reconciled', async () => {
    const start = Math.floor(Date.now() / 1000) - 4000;
    for (let i = 0; i < 150; i++) {
      await createCustomerAt(stripe, start + i * 10, i === 5 ? 'poison@example.com' : `old${i}@example.com`);
    }
    await app.db.execute(sql.raw(`create function test_poison_customer() returns trigger language plpgsql as $$
      begin if new.email = 'poison@example.com' then raise exception 'poison customer'; end if; return new; end $$`));
    await app.db.execute(sql.raw('create trigger test_poison_customer before insert on customers for each row execute function test_poison_customer()'));
    const run = () => reconcile(app.db, stripe, { maxPages: 1, emailBaseUrl: 'http://127.0.0.1:9' }); // 100 events a run

    await run(); // newest 100: truncated
    await run(); // the oldest part: the poison event fails there
    // A customer created afterwards, missed by the webhook. Without a backlog, a failure never
    // stops later events from being applied by the next run; here the stream stays below read_below.
    await createCustomerAt(stripe, Math.floor(Date.now() / 1000), 'fresh@example.com');
    for (let i = 0; i < 5; i++) await run();
    const [state] = await app.db.select().from(reconcileCheckpoints).where(eq(reconcileCheckpoints.name, 'events'));
    const fresh = await app.db.select().from(customers).where(eq(customers.email, 'fresh@example.com'));
    await app.db.execute(sql.raw('drop trigger test_poison_customer on customers'));
    expect({ fresh: fresh.length, state }).toMatchObject({ fresh: 1 });
  });
});

/**
 * Stripe's accounts.list as the real API answers it: `created[gte]` is honoured (the emulator
 * ignores it). `failNext` makes the next listing fail as Stripe does during an incident.
 */
function stripeWithRealAccountListing(real: Stripe) {
  const control = { failNext: false };
  const list = (params: Stripe.AccountListParams = {}) => {
    const gte = (params.created as { gte?: number } | undefined)?.gte ?? 0;
    return (async function* () {
      if (control.failNext) {
        control.failNext = false;
        throw new Stripe.errors.StripeAPIError({ type: 'api_error', message: 'Stripe is having a moment' });
      }
      const all = await real.accounts.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
      yield* all.filter((a) => (a.created ?? 0) >= gte);
    })();
  };
  const stripe = new Proxy(real, {
    get(target, key, receiver) {
      if (key === 'accounts') return new Proxy(real.accounts, { get: (t, k) => (k === 'list' ? list : Reflect.get(t, k)) });
      return Reflect.get(target, key, receiver);
    },
  }) as Stripe;
  return { stripe, control };
}

describe('reconcile discovers accounts whose events were all missed', () => {
  let app: TestApp;
  let real: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    real = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  it('an account listing that failed once is retried by the next run, not lost once the platform checkpoint moves on', async () => {
    const now = Math.floor(Date.now() / 1000);
    // An account connected an hour ago; every webhook about it was missed.
    const clock = vi.spyOn(Date, 'now').mockReturnValue((now - 3600) * 1000);
    let account: Stripe.Account;
    try {
      account = await real.accounts.create({
        controller: { fees: { payer: 'application' }, losses: { payments: 'application' }, stripe_dashboard: { type: 'express' } },
        business_profile: { name: 'Lost Seller' },
      });
      await app.emulator!.completeOnboarding(account.id);
    } finally {
      clock.mockRestore();
    }
    // Platform activity since then (a missed customer.created a few minutes ago).
    await createCustomerAt(real, now - 120, 'platform@example.com');
    const { stripe, control } = stripeWithRealAccountListing(real);

    control.failNext = true;
    const first = await reconcile(app.db, stripe, { now, emailBaseUrl: 'http://127.0.0.1:9' });
    expect(first).toMatchObject({ accountErrors: 1, failed: 0 });
    const second = await reconcile(app.db, stripe, { now: now + 60, emailBaseUrl: 'http://127.0.0.1:9' });
    expect(second.accountErrors).toBe(0);
    const [store] = await app.db.select().from(stores).where(eq(stores.accountId, account!.id));
    expect(store).toMatchObject({ status: 'active' });
  });
});
