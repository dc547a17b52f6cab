import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEventsRoute } from '../../lib/admin/events-route.js';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { resetConfig } from '../../lib/config/index.js';
import { customers, orders, stores, webhookEvents } from '../../lib/db/schema.js';
import { toNetlify } from '../../lib/platform/netlify.js';
import { toVercel } from '../../lib/platform/vercel.js';
import { webhookRoute } from '../../lib/webhook/route.js';
import { startAppServer } from '../../local/app-server.js';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_CONNECT_WEBHOOK_SECRET, TEST_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { deliver, driver, event, eventRow, sdkFor } from './support.js';

const MIB = 1024 * 1024;
const now = () => Math.floor(Date.now() / 1000);
const hmac = (secret: string, t: number, payload: string) => createHmac('sha256', secret).update(`${t}.${payload}`, 'utf8').digest('hex');
const sign = (payload: string, secret = TEST_WEBHOOK_SECRET, t = now()) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: t });

describe('webhook edges: verification, body handling, dispatch, replay, adapters', () => {
  let app: TestApp;
  let stripe: Stripe;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    stripe = sdkFor(app.emulator!);
  });
  afterAll(() => app.stop());

  const post = (body: BodyInit, headers: Record<string, string>, init: RequestInit = {}) =>
    app.call(webhookRoute, '/api/webhook', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, ...init });
  const storedText = async (id: string) => {
    const res = await app.db.execute<{ text: string }>(sql`select payload::text as text from webhook_events where id = ${id}`);
    return (res as unknown as { rows: Array<{ text: string }> }).rows[0]?.text;
  };
  const countEvents = async () => (await app.db.select().from(webhookEvents)).length;
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

  // ---- signature header edge cases -------------------------------------------------------

  it('rotation: a header with two v1 signatures (old secret first, then a configured one) is accepted', async () => {
    const e = event('customer.created');
    const payload = JSON.stringify(e, null, 2);
    const t = now();
    const header = `t=${t},v1=${hmac('whsec_retired_secret', t, payload)},v1=${hmac(TEST_WEBHOOK_SECRET, t, payload)}`;
    const res = await post(payload, { 'stripe-signature': header });
    expect(res.status).toBe(200);
  });

  it('a v0 scheme signature next to the v1 one is ignored, the v1 one verifies', async () => {
    const e = event('customer.created');
    const payload = JSON.stringify(e, null, 2);
    const t = now();
    const header = `t=${t},v1=${hmac(TEST_WEBHOOK_SECRET, t, payload)},v0=${hmac('whsec_other', t, payload)}`;
    expect((await post(payload, { 'stripe-signature': header })).status).toBe(200);
  });

  it('a v0-only header (even signed with the right secret) is refused and not stored', async () => {
    const e = event('customer.created');
    const payload = JSON.stringify(e, null, 2);
    const t = now();
    const res = await post(payload, { 'stripe-signature': `t=${t},v0=${hmac(TEST_WEBHOOK_SECRET, t, payload)}` });
    expect(res.status).toBe(400);
    expect(await eventRow(app, e.id)).toBeUndefined();
  });

  it('timestamp exactly 300 s old is accepted; a future timestamp within tolerance too', async () => {
    const a = event('customer.created');
    const pa = JSON.stringify(a);
    expect((await post(pa, { 'stripe-signature': sign(pa, TEST_WEBHOOK_SECRET, now() - 299) })).status).toBe(200);
  });

  it('STRIPE_WEBHOOK_SECRET with spaces and an empty entry still verifies both secrets', async () => {
    const prev = process.env.STRIPE_WEBHOOK_SECRET;
    process.env.STRIPE_WEBHOOK_SECRET = ` ${TEST_WEBHOOK_SECRET} , ,${TEST_CONNECT_WEBHOOK_SECRET} ,`;
    resetConfig();
    try {
      const a = event('customer.created');
      const b = event('customer.created');
      expect((await deliver(app, a)).status).toBe(200);
      expect((await deliver(app, b, { secret: TEST_CONNECT_WEBHOOK_SECRET })).status).toBe(200);
      const bad = event('customer.created');
      expect((await deliver(app, bad, { secret: 'whsec_attacker' })).status).toBe(400);
    } finally {
      process.env.STRIPE_WEBHOOK_SECRET = prev;
      resetConfig();
    }
  });

  // ---- body encoding ---------------------------------------------------------------------

  it('a UTF-8 body with non-ASCII characters verifies and is stored byte for byte', async () => {
    const e = event('customer.created', { data: { object: { name: 'Zoë Ångström — 東京 😀', email: 'zoë@example.com' } } });
    const payload = JSON.stringify(e, null, 3).replace('"object": "event"', '"object":   "event"');
    const res = await post(Buffer.from(payload, 'utf8'), { 'stripe-signature': sign(payload), 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(await storedText(e.id)).toBe(payload);
  });

  it('escaped unicode and key order are stored exactly', async () => {
    const e = event('customer.created');
    const payload = `{"type":"customer.created","id":"${e.id}","object":"event","created":${e.created},"livemode":false,"api_version":"2026-07-29.dahlia","pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"account":null,"data":{"object":{"id":"cus_esc_${Date.now()}","object":"customer","email":"a\\u00e9@example.com","name":"\\ud83d\\ude00 \\\\ \\/ tab\\t"}}}`;
    const res = await post(payload, { 'stripe-signature': sign(payload) });
    expect(res.status).toBe(200);
    expect(await storedText(e.id)).toBe(payload);
  });

  // ---- size ------------------------------------------------------------------------------

  const padded = (size: number) => {
    const e = event('customer.created');
    const base = JSON.stringify({ ...e, padding: '' });
    // 'é' is two bytes: fill with it and finish with ASCII so the byte count is exact.
    let fill = size - Buffer.byteLength(base);
    const twoByte = Math.floor(fill / 4);
    const pad = 'é'.repeat(twoByte) + 'x'.repeat(fill - twoByte * 2);
    const payload = JSON.stringify({ ...e, padding: pad });
    expect(Buffer.byteLength(payload)).toBe(size);
    return { e, payload };
  };
  const streamOf = (buf: Buffer, chunk = 64 * 1024) => new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < buf.length; i += chunk) c.enqueue(new Uint8Array(buf.subarray(i, i + chunk)));
      c.close();
    },
  });

  it('exactly 1 MiB (multi-byte) is accepted with and without Content-Length', async () => {
    const a = padded(MIB);
    expect((await post(a.payload, { 'stripe-signature': sign(a.payload), 'content-length': String(MIB) })).status).toBe(200);
    const b = padded(MIB);
    const res = await post(streamOf(Buffer.from(b.payload)), { 'stripe-signature': sign(b.payload) }, { duplex: 'half' } as RequestInit);
    expect(res.status).toBe(200);
    expect(await storedText(b.e.id)).toBe(b.payload);
  });

  it('one byte over 1 MiB is 413 with Content-Length, without it, and with a Content-Length that lies low', async () => {
    const before = await countEvents();
    for (const variant of ['declared', 'stream', 'lying'] as const) {
      const { payload } = padded(MIB + 1);
      const headers: Record<string, string> = { 'stripe-signature': sign(payload) };
      if (variant === 'declared') headers['content-length'] = String(MIB + 1);
      if (variant === 'lying') headers['content-length'] = '100';
      const res = variant === 'declared'
        ? await post(payload, headers)
        : await post(streamOf(Buffer.from(payload)), headers, { duplex: 'half' } as RequestInit);
      expect(res.status, variant).toBe(413);
      expect(((await res.json()) as any).error.code).toBe('payload_too_large');
    }
    expect(await countEvents()).toBe(before);
  });

  // ---- methods and content types ---------------------------------------------------------

  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'])('%s → 405 with Allow: POST', async (method) => {
    const res = await app.call(webhookRoute, '/api/webhook', { method, ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it.each(['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'text/plain'])('content type %s with a valid signature is applied', async (ct) => {
    const e = event('customer.created');
    const payload = JSON.stringify(e, null, 2);
    expect((await post(payload, { 'stripe-signature': sign(payload), 'content-type': ct })).status).toBe(200);
  });

  // ---- malformed but verified events -----------------------------------------------------

  const missingObjectTypes = [
    'checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded', 'charge.refunded', 'charge.dispute.created',
    'account.updated', 'account.created', 'customer.created', 'product.created', 'price.created',
    'customer.subscription.updated', 'invoice.paid', 'account.application.deauthorized',
  ];
  it.each(missingObjectTypes)('%s without data.object: a 4xx, or 500 with the event stored failed; nothing else written', async (type) => {
    const e = { ...event(type), data: {} };
    const ordersBefore = (await app.db.select().from(orders)).length;
    const res = await deliver(app, e);
    const row = await eventRow(app, e.id);
    if (res.status >= 400 && res.status < 500) expect(row).toBeUndefined();
    else if (res.status === 200) expect(row?.status).toBe('processed'); // deauthorized needs only event.account
    else {
      expect(res.status).toBe(500);
      expect(row).toMatchObject({ status: 'failed' });
    }
    expect((await app.db.select().from(orders)).length).toBe(ordersBefore);
  });

  // SPEC 3/4 + issue "hostile input … without a 500": a signed event is either refused (4xx, not
  // stored) or stored; a 500 with nothing stored makes Stripe retry it for days to no end.
  const refusedOrStored = async (res: { status: number }, id: string) => {
    const row = await eventRow(app, id);
    if (res.status >= 400 && res.status < 500) return expect(row).toBeUndefined();
    expect(row, `answered ${res.status} and stored nothing`).toBeDefined();
    if (res.status >= 500) expect(row!.status).toBe('failed');
  };

  it.each([
    ['created null', { created: null }],
    ['created a string', { created: 'yesterday' }],
  ])('a verified v1 event with %s is refused (4xx) or stored, never an unstored 500', async (_n, patch) => {
    const e = { ...event('customer.created'), ...patch };
    await refusedOrStored(await deliver(app, e), e.id);
    const unknown = { ...event('customer.created'), ...patch, type: 'issuing_card.created' };
    await refusedOrStored(await deliver(app, unknown), unknown.id);
  });

  it('a verified v1 event whose account is a number is handled without a crash', async () => {
    const e = { ...event('customer.created'), account: 42 };
    await refusedOrStored(await deliver(app, e), e.id);
  });

  it('a thin event whose created is not a timestamp is a 4xx or stored failed, never an unstored 500', async () => {
    const thin = { ...event('v2.core.account.updated'), created: 'not a date' };
    await refusedOrStored(await deliver(app, thin), thin.id);
  });

  it('a lone surrogate escape (valid JSON) is stored and applied', async () => {
    const e = event('customer.created');
    const payload = JSON.stringify(e, null, 2).replace('"Demo Shopper"', '"Demo \\ud83d Shopper"');
    expect(payload).toContain('\\ud83d');
    expect((await post(payload, { 'stripe-signature': sign(payload) })).status).toBe(200);
    expect(await storedText(e.id)).toBe(payload);
  });

  it('a BOM before the JSON (not a JSON text per RFC 8259, never sent by Stripe) is refused like any non-JSON body', async () => {
    const e = event('customer.created');
    const payload = '\uFEFF' + JSON.stringify(e, null, 2);
    const res = await post(Buffer.from(payload, 'utf8'), { 'stripe-signature': sign(payload) });
    expect(res.status).toBe(400);
    expect(await eventRow(app, e.id)).toBeUndefined();
  });

  it('thin: Connect secret accepted; too old refused; 20 concurrent deliveries apply once', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Thin Conc' } });
    const a = event('v2.core.account.updated', { related_object: { id: account.id } });
    expect((await deliver(app, a, { secret: TEST_CONNECT_WEBHOOK_SECRET })).status).toBe(200);
    const old = event('v2.core.account.updated', { related_object: { id: account.id } });
    expect((await deliver(app, old, { timestamp: now() - 301 })).status).toBe(400);
    expect(await eventRow(app, old.id)).toBeUndefined();
    const c = event('v2.core.account.created', { related_object: { id: account.id } });
    const all = await Promise.all(Array.from({ length: 20 }, () => deliver(app, c)));
    expect(all.map((r) => r.status)).toEqual(all.map(() => 200));
    expect(all.filter((r) => r.body.status === 'processed')).toHaveLength(1);
  });

  // ---- thin events ----------------------------------------------------------------------

  it('thin v2.core.account.created signed like Stripe is applied; missing related_object is stored, 200', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Review Thin' } });
    const thin = event('v2.core.account.created', { related_object: { id: account.id } });
    expect(await deliver(app, thin)).toMatchObject({ status: 200, body: { status: 'processed' } });
    const bare = event('v2.core.account.updated');
    delete bare.related_object;
    const res = await deliver(app, bare);
    expect(res.status).toBe(200);
    expect(await eventRow(app, bare.id)).toMatchObject({ status: 'processed' });
  });

  it.each(['v2.core.account_person.created', 'v2.billing.meter.error_report_triggered', 'constructor', 'toString', '__proto__', 'valueOf'])(
    'an unknown thin type %s is stored as ignored',
    async (type) => {
      const thin = { ...event('v2.core.account.updated'), type };
      const res = await deliver(app, thin);
      expect(res).toEqual({ status: 200, body: { status: 'ignored' } });
      expect(await eventRow(app, thin.id)).toMatchObject({ status: 'ignored', type });
    },
  );

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('an unknown v1 type %s is stored as ignored', async (type) => {
    const e = { ...event('customer.created'), type };
    const res = await deliver(app, e);
    expect(res).toEqual({ status: 200, body: { status: 'ignored' } });
    expect(await eventRow(app, e.id)).toMatchObject({ status: 'ignored', type });
  });

  // ---- Connect: a payment seen before its account's first event -------------------------

  it('a destination charge seen before the seller\'s first account event still ends on that store (SPEC 6, 7)', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Late Account Shop' } });
    const pi = `pi_edge_late_${Date.now()}`;
    const paid = event('payment_intent.succeeded', {
      data: { object: { id: pi, transfer_data: { destination: account.id }, application_fee_amount: 63 } },
    });
    expect((await deliver(app, paid)).status).toBe(200);
    // The account's first event arrives late (e.g. its first delivery failed and Stripe retried).
    expect((await deliver(app, event('account.updated', { account: account.id, data: { object: account } }))).status).toBe(200);
    const [store] = await app.db.select().from(stores).where(sql`${stores.accountId} = ${account.id}`);
    expect(store).toBeDefined();
    const [order] = await app.db.select().from(orders).where(sql`${orders.paymentIntentId} = ${pi}`);
    expect(order).toMatchObject({ status: 'paid', applicationFeeAmount: 63, storeId: store!.id });
  });

  it('a direct charge on a connected account (event.account) seen before the account\'s first event ends on its store', async () => {
    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Late Direct Shop' } });
    const pi = `pi_edge_direct_${Date.now()}`;
    expect((await deliver(app, event('payment_intent.succeeded', { account: account.id, data: { object: { id: pi } } }))).status).toBe(200);
    expect((await deliver(app, event('account.updated', { account: account.id, data: { object: account } }))).status).toBe(200);
    const [store] = await app.db.select().from(stores).where(sql`${stores.accountId} = ${account.id}`);
    const [order] = await app.db.select().from(orders).where(sql`${orders.paymentIntentId} = ${pi}`);
    expect(order).toMatchObject({ status: 'paid', storeId: store!.id });
  });

  // ---- admin list / replay ---------------------------------------------------------------

  const replay = (id: string) => app.call(adminReplayRoute, `/api/admin/events/${encodeURIComponent(id)}/replay`, { method: 'POST', headers: admin });

  it('replay: unknown id 404; ignored event → 200 without change; thin event → 200', async () => {
    const missing = await replay('evt_does_not_exist');
    expect(missing.status).toBe(404);
    const ignored = { ...event('customer.created'), type: 'issuing_card.created' };
    await deliver(app, ignored);
    const r = await replay(ignored.id);
    expect(r.status).toBe(200);
    expect(['duplicate', 'ignored']).toContain(((await r.json()) as any).status);
    expect(await eventRow(app, ignored.id)).toMatchObject({ status: 'ignored', attempts: 1 });

    const account = await stripe.accounts.create({ country: 'US', business_profile: { name: 'Replay Thin' } });
    const thin = event('v2.core.account.updated', { related_object: { id: account.id } });
    const payload = JSON.stringify(thin, null, 2);
    await deliver(app, thin, { payload });
    const rt = await replay(thin.id);
    expect(rt.status).toBe(200);
    expect(((await rt.json()) as any).status).toBe('duplicate');
    expect(await storedText(thin.id)).toBe(payload);
  });

  it('concurrent replays of a failed event apply it once', async () => {
    const bad = event('charge.succeeded', { data: { object: { amount: -100 } } });
    expect((await deliver(app, bad)).status).toBe(500);
    await app.db.execute(sql.raw('alter table orders drop constraint orders_amounts_check'));
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => replay(bad.id).then((r) => r.json() as Promise<any>)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 'processed')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(7);
    } finally {
      await app.db.execute(sql.raw('delete from orders where amount_total < 0'));
      await app.db.execute(sql.raw('alter table orders add constraint orders_amounts_check check (amount_total >= 0 and amount_refunded >= 0)'));
    }
  });

  it('admin events list filters a thin type', async () => {
    const res = await app.call(adminEventsRoute, '/api/admin/events?type=v2.core.account.updated', { headers: admin });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.data.length).toBeGreaterThan(0);
  });

  // ---- adapters --------------------------------------------------------------------------

  it('Vercel and Netlify adapters and the dev server hand the raw body through unchanged', async () => {
    const vercel = toVercel(webhookRoute);
    const netlify = toNetlify(webhookRoute);
    const make = () => {
      const e = event('customer.created', { data: { object: { name: 'Ünïcødé ✓ 😀' } } });
      const payload = '\r\n ' + JSON.stringify(e, null, '\t') + ' \n';
      return { e, payload };
    };
    const v = make();
    const rv = await vercel.fetch(new Request('http://x/api/webhook', { method: 'POST', body: streamOf(Buffer.from(v.payload)), duplex: 'half', headers: { 'stripe-signature': sign(v.payload) } } as RequestInit));
    expect(rv.status).toBe(200);
    expect(await storedText(v.e.id)).toBe(v.payload);
    const n = make();
    const rn = await netlify(new Request('http://x/api/webhook', { method: 'POST', body: n.payload, headers: { 'stripe-signature': sign(n.payload) } }), { ip: '1.2.3.4' } as any);
    expect(rn.status).toBe(200);
    expect(await storedText(n.e.id)).toBe(n.payload);
    const server = await startAppServer({ port: 0 });
    try {
      const d = make();
      const rd = await fetch(`${server.url}/api/webhook`, { method: 'POST', body: d.payload, headers: { 'stripe-signature': sign(d.payload), 'content-type': 'application/json' } });
      expect(rd.status).toBe(200);
      expect(await storedText(d.e.id)).toBe(d.payload);
      const head = await fetch(`${server.url}/api/webhook`, { method: 'HEAD' });
      expect(head.status).toBe(405);
      expect(head.headers.get('allow')).toBe('POST');
      const big = padded(MIB + 1);
      const rb = await fetch(`${server.url}/api/webhook`, { method: 'POST', body: streamOf(Buffer.from(big.payload)), duplex: 'half', headers: { 'stripe-signature': sign(big.payload) } } as RequestInit);
      expect(rb.status).toBe(413);
      const exact = padded(MIB);
      const re = await fetch(`${server.url}/api/webhook`, { method: 'POST', body: exact.payload, headers: { 'stripe-signature': sign(exact.payload) } });
      expect(re.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
