import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, entitlements, orders } from '../../lib/db/schema.js';
import { setLogSink } from '../../lib/http/log.js';
import { replayStoredEvent } from '../../lib/webhook/replay.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { deliver, driver, event, eventRow, orderByPi, purchase, sdkFor } from './support.js';

describe('failure: effects roll back, the event is kept failed, Stripe retries', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  // The last step of fulfilment fails: the order and entitlements written before it must vanish.
  const breakOutbox = () => app.db.execute(sql.raw(`
    create or replace function test_outbox_down() returns trigger language plpgsql as $$
      begin raise exception 'outbox is down for maintenance'; end $$;
    create trigger test_outbox_down before insert on email_outbox for each row execute function test_outbox_down()`));
  const repairOutbox = () => app.db.execute(sql.raw('drop trigger test_outbox_down on email_outbox'));

  it('500, no partial effects, event failed with its error; the next delivery succeeds', async () => {
    const p = await purchase(app.emulator!, stripe);
    const completed = p.events.get('checkout.session.completed')!;
    const lines: string[] = [];
    const prev = setLogSink((l) => lines.push(l));
    await breakOutbox();
    try {
      const res = await deliver(app, completed);
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('outbox');
    } finally {
      await repairOutbox();
      setLogSink(prev);
    }
    expect(await app.db.select().from(orders).where(eq(orders.checkoutSessionId, p.session.id))).toEqual([]);
    expect(await app.db.select().from(entitlements)).toEqual([]);
    expect(await app.db.select().from(emailOutbox)).toEqual([]);
    const failed = (await eventRow(app, completed.id))!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toContain('outbox is down for maintenance');
    const line = JSON.parse(lines.find((l) => l.includes(completed.id))!);
    expect(line).toMatchObject({ level: 'error', status: 500, eventId: completed.id, eventType: 'checkout.session.completed', outcome: 'failed' });
    expect(lines.join('\n')).not.toContain('shopper@example.com');

    const retry = await deliver(app, completed);
    expect(retry).toEqual({ status: 200, body: { status: 'processed', reason: 'order paid' } });
    expect(await eventRow(app, completed.id)).toMatchObject({ status: 'processed', attempts: 2, lastError: null });
    const order = await orderByPi(app, p.paymentIntentId);
    expect(order).toMatchObject({ status: 'paid' });
    expect(await app.db.select().from(entitlements).where(eq(entitlements.orderId, order!.id))).toHaveLength(1);
    expect(await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, order!.id))).toHaveLength(1);
    expect((await deliver(app, completed)).body).toEqual({ status: 'duplicate' });
  });

  it('a malformed object violating a constraint: 500 and failed; a stored failed event can be replayed', async () => {
    const bad = event('charge.succeeded', { data: { object: { amount: -100 } } });
    const res = await deliver(app, bad);
    expect(res.status).toBe(500);
    const row = (await eventRow(app, bad.id))!;
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toMatch(/orders_amounts_check/);
    expect(await orderByPi(app, bad.data.object.payment_intent)).toBeUndefined();

    expect(await replayStoredEvent(app.db, bad.id)).toMatchObject({ status: 'failed' });
    expect((await eventRow(app, bad.id))!.attempts).toBe(2);

    // Fixed at the source (as an operator would after a deploy): the replay now applies it.
    await app.db.execute(sql.raw('alter table orders drop constraint orders_amounts_check'));
    try {
      expect(await replayStoredEvent(app.db, bad.id)).toEqual({ status: 'processed', reason: 'order paid' });
      expect(await replayStoredEvent(app.db, bad.id)).toEqual({ status: 'duplicate' });
    } finally {
      await app.db.execute(sql.raw('delete from orders where amount_total < 0'));
      await app.db.execute(sql.raw('alter table orders add constraint orders_amounts_check check (amount_total >= 0 and amount_refunded >= 0)'));
    }
    expect(await eventRow(app, bad.id)).toMatchObject({ status: 'processed', attempts: 3, source: 'replay' });
  });
});
