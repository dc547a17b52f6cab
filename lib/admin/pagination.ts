import * as z from 'zod/mini';
import { safeParse, type $ZodType, type output } from 'zod/v4/core';
import { ApiError } from '../http/errors.js';

// Cursors are opaque to clients: base64url JSON of the last row's sort key. Lists are newest
// first and page by keyset (`key < cursor`), so rows inserted while an operator pages sort
// before the cursor and never shift or repeat what is left.

export const DEFAULT_LIMIT = 25;

export const pageQuery = {
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), DEFAULT_LIMIT),
  cursor: z.optional(z.string().check(z.maxLength(500))),
};

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends $ZodType>(cursor: string | undefined, schema: T): output<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = safeParse(schema, JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new ApiError('invalid_request', 'The cursor is not valid; start again without it.', {
    fields: [{ path: 'cursor', message: 'not a cursor issued by this API' }],
  });
}

/** Rows are fetched with `limit + 1` to know whether another page exists without a count. */
export function page<Row, Out>(rows: Row[], limit: number, cursorOf: (row: Row) => unknown, view: (row: Row) => Out) {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return {
    data: data.map(view),
    nextCursor: more ? encodeCursor(cursorOf(data[data.length - 1]!)) : null,
  };
}

/** Cursor for tables keyed by an identity id. */
export const idCursor = z.object({ id: z.number().check(z.int(), z.positive()) });
