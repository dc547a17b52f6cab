/**
 * Gives every parameterised statement a stable name, so node-postgres prepares it once per
 * connection and Postgres stops parsing and planning it on every execution. The webhook's
 * statements are a few dozen fixed shapes (drizzle binds values as parameters), re-sent per
 * event; on the 2-core bench machine pgbench runs the customer event's SQL ~40 % faster with
 * `-M prepared` than with `-M extended` (bench/README.md), and Postgres shares those cores.
 *
 * Only statements with parameters are named (BEGIN/COMMIT stay one simple-protocol message),
 * and at most MAX_NAMED distinct texts, so a query that inlined its values could not grow the
 * per-connection statement caches without bound. Names are per text, identical on every
 * connection; pg checks that a name is never reused for another text. A prepared statement
 * survives a rollback (it is not transactional) and is re-planned by Postgres after DDL; only a
 * statement whose result columns change under it (`select *` across a migration) would fail,
 * and ours name their columns.
 */
const MAX_NAMED = 500;
const names = new Map<string, string>();

interface QueryConfigLike {
  text?: unknown;
  name?: unknown;
  values?: unknown[];
}

type Queryable = { query: (...args: any[]) => any };

function nameFor(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `s${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/** Wraps one pooled client's `query` (call from the pool's `connect` event). */
export function nameStatements(client: Queryable): void {
  const query = client.query;
  client.query = function (this: unknown, config: unknown, values?: unknown, ...rest: unknown[]) {
    if (config && typeof config === 'object' && !('submit' in config)) {
      const c = config as QueryConfigLike;
      const params = Array.isArray(values) ? values : c.values;
      if (typeof c.text === 'string' && c.name === undefined && params && params.length > 0) {
        const name = nameFor(c.text);
        if (name) config = { ...c, name };
      }
    }
    return query.call(this, config, values, ...rest);
  };
}
