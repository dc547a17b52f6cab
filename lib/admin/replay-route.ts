import { eq } from 'drizzle-orm';
import { getDb } from '../db/client.js';
import { webhookEvents } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { processEvent } from '../webhook/process.js';
import type { IncomingEvent } from '../webhook/types.js';
import { requireBearer } from './auth.js';
import { storedEventId } from './event-id.js';

/**
 * Re-applies a stored event through the webhook's own apply path (same transaction, dedupe and
 * failure rules), for after the cause of a failure is fixed. A processed event comes back as
 * `duplicate` and nothing changes.
 */
export const adminReplayRoute = defineRoute({
  path: '/api/admin/events/:id/replay',
  methods: {
    async POST(req, ctx) {
      requireBearer(req, 'ADMIN_TOKEN');
      const id = storedEventId(ctx.params.id);
      const db = await getDb();
      const [row] = await db
        .select({ type: webhookEvents.type, payload: webhookEvents.payload })
        .from(webhookEvents)
        .where(eq(webhookEvents.id, id))
        .limit(1);
      if (!row) throw new ApiError('not_found', 'No stored event has that id.');
      const result = await processEvent(db, row.payload as IncomingEvent, { source: 'replay' });
      Object.assign(ctx.log, { eventId: id, eventType: row.type, outcome: result.status, error: result.error });
      return json({ status: result.status, ...(result.status === 'failed' ? { error: result.error ?? null } : {}) });
    },
  },
});
