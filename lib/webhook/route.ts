import { getDb } from '../db/client.js';
import { readRawBody } from '../http/body.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { processEvent } from './process.js';
import { eventMeta } from './types.js';
import { verifyEvent } from './verify.js';

// Parse (raw, size-limited), verify, apply, answer. The 200 body is what on-call staff read
// in Stripe's delivery log; a failure is a 500 so that Stripe retries.
export const webhookRoute = defineRoute({
  path: '/api/webhook',
  methods: {
    async POST(req, ctx) {
      const raw = await readRawBody(req);
      const event = await verifyEvent(raw, req.headers.get('stripe-signature'));
      const meta = eventMeta(event);
      ctx.log.eventId = meta.id;
      ctx.log.eventType = meta.type;
      const result = await processEvent(await getDb(), event, { source: 'webhook', rawPayload: raw });
      ctx.log.outcome = result.status;
      if (result.status === 'failed') {
        ctx.log.error = result.error;
        return json({ error: { code: 'internal_error', message: 'The event could not be applied; it is stored as failed and Stripe will retry.' } }, 500);
      }
      return json(result.reason ? { status: result.status, reason: result.reason } : { status: result.status });
    },
  },
});
