import { sql, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { getConfig } from '../config/index.js';
import type { Db } from './client.js';

const dialect = new PgDialect();

/** A named value of a prepared statement: `${p('orderId')}` in the template, `{ orderId }` at run time. */
export const p = (name: string) => sql.placeholder(name);

export type Statement<Row> = (db: Db, values: Record<string, unknown>) => Promise<Row[]>;

/**
 * A statement on the webhook's path, written once with the `sql` template and named values
 * (`p`). It is rendered to text on first use and sent as a named prepared statement, so that
 * Postgres parses and plans it once per connection rather than once per event, and drizzle
 * does not render it again: on the webhook's upserts, planning cost Postgres more CPU than
 * running them, and rendering cost the server more than the driver did (bench/README.md).
 * Neon's pooler (PgBouncer 1.22+) keeps protocol-level prepared statements in transaction mode;
 * behind an older transaction-mode pooler, DATABASE_PREPARED_STATEMENTS=off sends them unnamed.
 * Rows come back as the driver returns them (snake_case names, bigint as string).
 */
export function prepared<Row = Record<string, unknown>>(name: string, build: () => SQL): Statement<Row> {
  let query: Query | undefined;
  return async (db, values) => {
    query ??= dialect.sqlToQuery(build());
    const named = getConfig().DATABASE_PREPARED_STATEMENTS === 'on' ? name : undefined;
    const result = await db._.session.prepareQuery(query, undefined, named, false).execute(values);
    return (result as { rows: Row[] }).rows;
  };
}
