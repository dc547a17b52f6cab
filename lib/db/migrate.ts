import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Db, Driver } from './client.js';

/** `drizzle/` beside the sources, or under the working directory when running from a bundle. */
export function migrationsFolder(): string {
  const here = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../drizzle');
  return existsSync(here) ? here : path.resolve(process.cwd(), 'drizzle');
}

export async function migrateDb(db: Db, driver: Driver): Promise<void> {
  const config = { migrationsFolder: migrationsFolder() };
  // Each driver ships its own migrator; they share the drizzle.__drizzle_migrations journal.
  if (driver === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(db as never, config);
  } else if (driver === 'neon') {
    const { migrate } = await import('drizzle-orm/neon-serverless/migrator');
    await migrate(db as never, config);
  } else {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(db as never, config);
  }
}
