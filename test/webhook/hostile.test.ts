import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../lib/db/schema.js';
import { handledEventTypes } from '../../lib/webhook/dispatch.js';
import { webhookRoute } from '../../lib/webhook/route.js';
import { startTestApp, TEST_CONNECT_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { deliver, driver, event, eventRow } from './support.js';

describe('webhook verification: hostile input is refused and never stored', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver });
  });
  afterAll(() => app.stop());

  const post = (body: string, headers: Record<string, string>) =>
    app.call(webhookRoute, '/api/webhook', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const sign = (payload: string, secret = 'whsec_test_platform', timestamp = Math.floor(Date.now() / 1000)) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

  const customerEvent = () => event('customer.created');

  it.each([
    ['no signature header', (p: string) => post(p, {})],
    ['a wrong secret', (p: string) => post(p, { 'stripe-signature': sign(p, 'whsec_attacker') })],
    ['a body changed after signing', (p: string) => post(p.replace('shopper@example.com', 'evil@example.com'), { 'stripe-signature': sign(p) })],
    ['a timestamp older than the 300 s tolerance', (p: string) => post(p, { 'stripe-signature': sign(p, undefined, Math.floor(Date.now() / 1000) - 301) })],
    ['a garbage signature header', (p: string) => post(p, { 'stripe-signature': 'nonsense' })],
  ])('400 invalid_signature for %s', async (_name, send) => {
    const e = customerEvent();
    const res = await send(JSON.stringify(e, null, 2));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('invalid_signature');
    expect(await eventRow(app, e.id)).toBeUndefined();
  });

  it('400 for a non-JSON body with a valid signature, and for signed JSON that is not an event', async () => {
    for (const payload of ['this is not json', '{"hello":"world"}', '[]']) {
      const res = await post(payload, { 'stripe-signature': sign(payload) });
      expect(res.status).toBe(400);
    }
    expect(await app.db.select().from(webhookEvents)).toEqual([]);
  });

  it('413 over 1 MiB, 405 with Allow for GET', async () => {
    const big = JSON.stringify({ ...customerEvent(), padding: 'x'.repeat(1024 * 1024) });
    const res = await post(big, { 'stripe-signature': sign(big) });
    expect(res.status).toBe(413);
    const get = await app.call(webhookRoute, '/api/webhook', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await app.db.select().from(webhookEvents)).toEqual([]);
  });

  it('accepts a valid signature made with any configured secret (platform or Connect endpoint)', async () => {
    const a = customerEvent();
    const b = event('account.updated');
    expect((await deliver(app, a)).status).toBe(200);
    expect((await deliver(app, b, { secret: TEST_CONNECT_WEBHOOK_SECRET })).status).toBe(200);
    expect((await eventRow(app, a.id))?.status).toBe('processed');
    expect((await eventRow(app, b.id))?.status).toBe('processed');
  });

  it('stores the body verbatim, as Stripe sent it', async () => {
    const e = customerEvent();
    const payload = JSON.stringify(e, null, 2);
    expect((await deliver(app, e, { payload })).status).toBe(200);
    const res = await app.db.execute<{ text: string }>(sql`select payload::text as text from webhook_events where id = ${e.id}`);
    expect((res as unknown as { rows: Array<{ text: string }> }).rows[0]!.text).toBe(payload);
  });

  it('an unknown type is stored as ignored and answered 200 ignored; again: duplicate', async () => {
    const e = { ...customerEvent(), type: 'issuing_card.created' };
    expect(await deliver(app, e)).toEqual({ status: 200, body: { status: 'ignored' } });
    expect(await deliver(app, e)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(await eventRow(app, e.id)).toMatchObject({ status: 'ignored', type: 'issuing_card.created' });
  });

  it('lists every SPEC type as handled', () => {
    for (const t of [
      'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed',
      'checkout.session.expired', 'payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled',
      'charge.succeeded', 'charge.failed', 'charge.refunded', 'charge.dispute.created', 'account.updated',
      'account.application.authorized', 'account.application.deauthorized', 'v2.core.account.created',
      'v2.core.account.updated', 'account.created', 'customer.created', 'customer.updated', 'customer.deleted',
      'product.created', 'product.updated', 'product.deleted', 'price.created', 'price.updated', 'price.deleted',
      'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
      'invoice.paid', 'invoice.payment_failed',
    ]) expect(handledEventTypes).toContain(t);
  });
});
