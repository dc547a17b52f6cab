import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { setLogSink } from '../../lib/http/log.js';
import { emailOutbox, orders } from '../../lib/db/schema.js';
import { MAX_ATTEMPTS, sendPendingEmails } from '../../lib/email/send-pending.js';
import { fulfil } from '../../lib/fulfilment/fulfil.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { devOutbox } from '../../local/dev-outbox.js';
import { driver } from './support.js';
import { startProviderStub } from './provider-stub.js';

const API_KEY = 're_test_key_not_real_123';

describe('order confirmation email', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver, env: { RESEND_API_KEY: API_KEY, EMAIL_FROM: 'Shop <shop@example.com>' } });
  });
  afterAll(() => app.stop());
  beforeEach(async () => {
    await app.db.delete(emailOutbox);
  });

  async function paidOrder(email = 'buyer@example.com'): Promise<number> {
    const [row] = await app.db.insert(orders).values({
      status: 'paid', currency: 'usd', amountTotal: 2500, email, paidAt: new Date(),
      items: [{ priceId: 'price_a', productId: 'prod_a', name: 'T-shirt', quantity: 1, unitAmount: 2500, amountTotal: 2500 }],
    }).returning({ id: orders.id });
    return row!.id;
  }

  it('concurrent fulfilments of one order queue exactly one message', async () => {
    const id = await paidOrder();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => app.db.transaction((tx) => fulfil(tx, id))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ to: 'buyer@example.com', status: 'pending', attempts: 0 });
  });

  it('a provider failure leaves it pending with the error; the next run sends it once', async () => {
    const id = await paidOrder();
    await app.db.transaction((tx) => fulfil(tx, id));
    const provider = await startProviderStub({ status: 500 });
    try {
      const first = await sendPendingEmails(app.db, { baseUrl: provider.url });
      expect(first).toEqual({ configured: true, sent: 0, failed: 1 });
      let [row] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, id));
      expect(row).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
      expect(row!.lastError).toContain('500');
      expect(row!.lastError).not.toContain(API_KEY);

      provider.status = 200;
      const second = await sendPendingEmails(app.db, { baseUrl: provider.url });
      expect(second).toEqual({ configured: true, sent: 1, failed: 0 });
      [row] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, id));
      expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null, providerMessageId: 'msg_2' });

      const req = provider.requests[1]!;
      expect(req.path).toBe('/emails');
      expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(req.headers['idempotency-key']).toBe(`order-${id}`);
      expect(req.body).toMatchObject({ from: 'Shop <shop@example.com>', to: ['buyer@example.com'], subject: expect.stringContaining(String(id)) });
      expect(req.body.html).toContain('T-shirt');
      expect(req.body.text).toContain('T-shirt');

      expect(await sendPendingEmails(app.db, { baseUrl: provider.url })).toEqual({ configured: true, sent: 0, failed: 0 });
      expect(provider.requests).toHaveLength(2);
    } finally {
      await provider.close();
    }
  });

  it('a message the provider rejects, or one out of attempts, is given up: failed, never sent again', async () => {
    const rejectedId = await paidOrder('not-an-address@');
    await app.db.transaction((tx) => fulfil(tx, rejectedId));
    const provider = await startProviderStub({ status: 422 });
    const lines: string[] = [];
    const prev = setLogSink((l) => lines.push(l));
    try {
      expect(await sendPendingEmails(app.db, { baseUrl: provider.url })).toEqual({ configured: true, sent: 0, failed: 1 });
      const [rejected] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, rejectedId));
      expect(rejected).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
      expect(rejected!.lastError).toContain('422');
      expect(JSON.parse(lines.find((l) => l.includes('given up'))!)).toMatchObject({ level: 'error', orderId: rejectedId });

      // An outage: retried on every run until the last allowed attempt.
      provider.status = 500;
      const outageId = await paidOrder();
      await app.db.transaction((tx) => fulfil(tx, outageId));
      await app.db.update(emailOutbox).set({ attempts: MAX_ATTEMPTS - 2 }).where(eq(emailOutbox.orderId, outageId));
      const outage = async () => (await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, outageId)))[0]!;
      await sendPendingEmails(app.db, { baseUrl: provider.url });
      expect(await outage()).toMatchObject({ status: 'pending', attempts: MAX_ATTEMPTS - 1 });
      await sendPendingEmails(app.db, { baseUrl: provider.url });
      expect(await outage()).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });

      provider.status = 200;
      const before = provider.requests.length;
      expect(await sendPendingEmails(app.db, { baseUrl: provider.url })).toEqual({ configured: true, sent: 0, failed: 0 });
      expect(provider.requests).toHaveLength(before);
      expect((await app.db.select({ n: sql<number>`count(*)::int` }).from(emailOutbox).where(eq(emailOutbox.status, 'failed')))[0]!.n).toBe(2);
    } finally {
      setLogSink(prev);
      await provider.close();
    }
  });

  it('two senders running at once never mail an order twice', async () => {
    const ids = [await paidOrder('a@example.com'), await paidOrder('b@example.com'), await paidOrder('c@example.com')];
    for (const id of ids) await app.db.transaction((tx) => fulfil(tx, id));
    const provider = await startProviderStub({ status: 200, delayMs: 100 });
    try {
      const [a, b] = await Promise.all([
        sendPendingEmails(app.db, { baseUrl: provider.url }),
        sendPendingEmails(app.db, { baseUrl: provider.url }),
      ]);
      expect(a.sent + b.sent).toBe(3);
      const keys = provider.requests.map((r) => r.headers['idempotency-key']);
      expect(keys.sort()).toEqual(ids.map((id) => `order-${id}`).sort());
    } finally {
      await provider.close();
    }
  });

  it('without a provider configured nothing is sent and messages stay pending', async () => {
    const id = await paidOrder();
    await app.db.transaction((tx) => fulfil(tx, id));
    const saved = process.env.RESEND_API_KEY;
    delete process.env.RESEND_API_KEY;
    resetConfig();
    try {
      expect(await sendPendingEmails(app.db)).toEqual({ configured: false, sent: 0, failed: 0 });
      const [row] = await app.db.select().from(emailOutbox).where(eq(emailOutbox.orderId, id));
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      process.env.RESEND_API_KEY = saved;
      resetConfig();
    }
  });

  it('the dev server lists queued messages at /_dev/outbox and nowhere else', async () => {
    const id = await paidOrder('dev@example.com');
    await app.db.transaction((tx) => fulfil(tx, id));
    expect(await devOutbox(new Request('http://localhost/api/admin/orders'))).toBeNull();
    const res = (await devOutbox(new Request('http://localhost/_dev/outbox')))!;
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('dev@example.com');
    expect(html).toContain(`order ${id}`);
  });
});
