import { and, desc, eq, sql } from 'drizzle-orm';
import * as z from 'zod/mini';
import { getDb } from '../db/client.js';
import { webhookEvents, webhookEventStatuses } from '../db/schema.js';
import { parseQuery } from '../http/body.js';
import { ApiError } from '../http/errors.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { requireBearer } from './auth.js';
import { EVENT_ID, storedEventId } from './event-id.js';
import { decodeCursor, page, pageQuery } from './pagination.js';

const query = z.object({
  ...pageQuery,
  status: z.optional(z.enum(webhookEventStatuses)),
  type: z.optional(
    // Brackets: Accounts v2 types such as v2.core.account[requirements].updated.
    z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.regex(/^[a-z0-9_.[\]]+$/, 'an event type such as checkout.session.completed')),
  ),
});

// Events have text ids, so the keyset is (received_at, id). The timestamp travels in the cursor
// as Postgres' own microsecond text: a JS Date would round it and skip or repeat rows.
// Both go into SQL as values: a forged cursor must be a 400 here, not a cast error in Postgres.
const eventCursor = z.object({
  // A real instant too (no month 13, no hour 99): what Postgres would refuse to cast.
  at: z.string().check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), z.refine(realInstant)),
  id: z.string().check(z.regex(EVENT_ID)),
});
function realInstant(at: string): boolean {
  const ms = Date.parse(at.slice(0, 23) + 'Z'); // milliseconds: Date keeps no more
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === at.slice(0, 19);
}
const receivedAtKey = sql<string>`to_char(${webhookEvents.receivedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const adminEventsRoute = defineRoute({
  path: '/api/admin/events',
  methods: {
    async GET(req) {
      requireBearer(req, 'ADMIN_TOKEN');
      const { limit, cursor, status, type } = parseQuery(req, query);
      const after = decodeCursor(cursor, eventCursor);
      const db = await getDb();
      const rows = await db
        .select({
          id: webhookEvents.id, type: webhookEvents.type, status: webhookEvents.status,
          attempts: webhookEvents.attempts, lastError: webhookEvents.lastError, source: webhookEvents.source,
          accountId: webhookEvents.accountId, stripeCreated: webhookEvents.stripeCreated,
          receivedAt: webhookEvents.receivedAt, processedAt: webhookEvents.processedAt, key: receivedAtKey,
        })
        .from(webhookEvents)
        .where(and(
          status ? eq(webhookEvents.status, status) : undefined,
          type ? eq(webhookEvents.type, type) : undefined,
          after ? sql`(${webhookEvents.receivedAt}, ${webhookEvents.id}) < (${after.at}::timestamptz, ${after.id})` : undefined,
        ))
        .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
        .limit(limit + 1);
      return json(page(rows, limit, (r) => ({ at: r.key, id: r.id }), ({ key: _key, ...r }) => r));
    },
  },
});

/** One stored event with its payload, for an operator reading why it failed. */
export const adminEventRoute = defineRoute({
  path: '/api/admin/events/:id',
  methods: {
    async GET(req, ctx) {
      requireBearer(req, 'ADMIN_TOKEN');
      const db = await getDb();
      const id = storedEventId(ctx.params.id);
      const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).limit(1);
      if (!row) throw new ApiError('not_found', 'No stored event has that id.');
      return json({ data: row });
    },
  },
});
