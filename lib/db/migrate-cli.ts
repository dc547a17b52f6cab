// `npm run db:migrate`: applies drizzle/ to DATABASE_URL (or the embedded database).
import { chooseDriver, closeDb, getDb } from './client.js';
import { migrateDb } from './migrate.js';

const driver = chooseDriver();
const db = await getDb();
if (driver !== 'pglite') await migrateDb(db, driver); // pglite migrates on open
await closeDb();
console.log(`migrations applied (${driver})`);
