import { desc, lt } from 'drizzle-orm';
import * as z from 'zod/mini';
import { getDb } from '../db/client.js';
import { customers } from '../db/schema.js';
import { parseQuery } from '../http/body.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { requireBearer } from './auth.js';
import { decodeCursor, idCursor, page, pageQuery } from './pagination.js';

const query = z.object(pageQuery);

export const adminCustomersRoute = defineRoute({
  path: '/api/admin/customers',
  methods: {
    async GET(req) {
      requireBearer(req, 'ADMIN_TOKEN');
      const { limit, cursor } = parseQuery(req, query);
      const after = decodeCursor(cursor, idCursor);
      const db = await getDb();
      const rows = await db
        .select({
          id: customers.id, stripeId: customers.stripeId, storeId: customers.storeId, email: customers.email,
          name: customers.name, deleted: customers.deleted, createdAt: customers.createdAt,
          updatedAt: customers.updatedAt,
        })
        .from(customers)
        .where(after ? lt(customers.id, after.id) : undefined)
        .orderBy(desc(customers.id))
        .limit(limit + 1);
      return json(page(rows, limit, (r) => ({ id: r.id }), (r) => r));
    },
  },
});
