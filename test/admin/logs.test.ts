import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { setLogSink } from '../../lib/http/log.js';
import { webhookRoute } from '../../lib/webhook/route.js';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_CONNECT_WEBHOOK_SECRET, TEST_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
import { completedEventFor, purchase, sdkFor, signedDelivery } from './flow.js';
import { bearer, driver } from './support.js';

describe('log lines', () => {
  let app: TestApp;
  let stripe: Stripe;
  let lines: string[] = [];
  let restore: ReturnType<typeof setLogSink>;
  beforeAll(async () => {
    app = await startTestApp({ driver, emulator: true });
    app.emulator!.setDeliveryEnabled(false);
    stripe = sdkFor(app.emulator!);
    restore = setLogSink((line) => lines.push(line));
  });
  afterAll(async () => {
    setLogSink(restore);
    await app.stop();
  });

  it('a webhook request logs one JSON line with route, status, ms, event id, type and outcome, and no secret or payload', async () => {
    const sessionId = await purchase(app);
    const event = await completedEventFor(stripe, sessionId);
    const delivery = signedDelivery(event, TEST_WEBHOOK_SECRET);
    lines = [];
    const res = await app.call(webhookRoute, '/api/webhook', delivery);
    expect(res.status).toBe(200);

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLines = parsed.filter((l) => l.route === '/api/webhook');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      msg: 'request', method: 'POST', status: 200, ms: expect.any(Number),
      eventId: event.id, eventType: 'checkout.session.completed', outcome: 'processed',
    });

    const all = lines.join('\n');
    const session = event.data.object as Stripe.Checkout.Session;
    const forbidden = [
      TEST_WEBHOOK_SECRET, TEST_CONNECT_WEBHOOK_SECRET, app.emulator!.secretKey, TEST_ADMIN_TOKEN,
      String((delivery.headers as Record<string, string>)['stripe-signature']),
      String(delivery.body), JSON.stringify(event), '"data"', '"object"',
      session.customer_details?.email ?? 'no-email-in-session',
    ];
    for (const secret of forbidden) expect(all, `log contains ${secret.slice(0, 40)}`).not.toContain(secret);
  });

  it('a replay logs its event id, type and outcome, and not the token', async () => {
    const sessionId = await purchase(app);
    const event = await completedEventFor(stripe, sessionId);
    await app.call(webhookRoute, '/api/webhook', signedDelivery(event, TEST_WEBHOOK_SECRET));
    lines = [];
    await app.call(adminReplayRoute, `/api/admin/events/${event.id}/replay`, { method: 'POST', ...bearer() });
    const [line] = lines.map((l) => JSON.parse(l));
    expect(line).toMatchObject({ route: '/api/admin/events/:id/replay', status: 200, eventId: event.id, eventType: 'checkout.session.completed', outcome: 'duplicate' });
    expect(lines.join('\n')).not.toContain(TEST_ADMIN_TOKEN);
  });
});
