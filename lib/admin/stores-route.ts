import { desc, lt } from 'drizzle-orm';
import * as z from 'zod/mini';
import { getDb } from '../db/client.js';
import { stores } from '../db/schema.js';
import { parseQuery } from '../http/body.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { requireBearer } from './auth.js';
import { decodeCursor, idCursor, page, pageQuery } from './pagination.js';

const query = z.object(pageQuery);

export const adminStoresRoute = defineRoute({
  path: '/api/admin/stores',
  methods: {
    async GET(req) {
      requireBearer(req, 'ADMIN_TOKEN');
      const { limit, cursor } = parseQuery(req, query);
      const after = decodeCursor(cursor, idCursor);
      const db = await getDb();
      const rows = await db
        .select({
          id: stores.id, accountId: stores.accountId, slug: stores.slug, name: stores.name, email: stores.email,
          country: stores.country, status: stores.status, chargesEnabled: stores.chargesEnabled,
          payoutsEnabled: stores.payoutsEnabled, disabledReason: stores.disabledReason,
          createdAt: stores.createdAt, updatedAt: stores.updatedAt,
        })
        .from(stores)
        .where(after ? lt(stores.id, after.id) : undefined)
        .orderBy(desc(stores.id))
        .limit(limit + 1);
      return json(page(rows, limit, (r) => ({ id: r.id }), (r) => r));
    },
  },
});
