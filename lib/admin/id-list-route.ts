import { and, desc, lt, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable, SelectedFields } from 'drizzle-orm/pg-core';
import * as z from 'zod/mini';
import { getDb } from '../db/client.js';
import { parseQuery } from '../http/body.js';
import { json } from '../http/respond.js';
import { defineRoute, type Route } from '../http/route.js';
import { requireBearer } from './auth.js';
import { decodeCursor, idCursor, page, pageQuery } from './pagination.js';

type Filters = Record<string, z.ZodMiniType>;

interface IdListOptions<F extends Filters> {
  path: string;
  table: PgTable & { id: PgColumn };
  /** The columns an operator sees: named one by one, so a new column is never exposed by accident. */
  fields: SelectedFields & { id: PgColumn };
  /** Optional query filters (`?status=`), parsed with the page parameters. */
  filters?: F;
  where?: (filters: Partial<z.infer<z.ZodMiniObject<F>>>) => SQL | undefined;
}

/** An admin list over a table keyed by an identity id: newest first, keyset cursor on `id`. */
export function idListRoute<F extends Filters = Record<never, never>>(opts: IdListOptions<F>): Route {
  const query = z.object({ ...pageQuery, ...opts.filters });
  return defineRoute({
    path: opts.path,
    methods: {
      async GET(req) {
        requireBearer(req, 'ADMIN_TOKEN');
        const { limit, cursor, ...filters } = parseQuery(req, query) as { limit: number; cursor?: string };
        const after = decodeCursor(cursor, idCursor);
        const db = await getDb();
        const rows = (await db
          .select(opts.fields)
          .from(opts.table as PgTable)
          .where(and(opts.where?.(filters as never), after ? lt(opts.table.id, after.id) : undefined))
          .orderBy(desc(opts.table.id))
          .limit(limit + 1)) as Array<{ id: number }>;
        return json(page(rows, limit, (r) => ({ id: r.id }), (r) => r));
      },
    },
  });
}
