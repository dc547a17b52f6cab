// `npm run dev`: the product on embedded defaults. No keys, no database server needed.
import { getDb } from '../lib/db/client.js';
import { startDevStack } from './dev-stack.js';

const port = Number(process.env.PORT ?? 3000);
const stack = await startDevStack({ port, host: process.env.HOST ?? '127.0.0.1' });
await getDb(); // opens the database now; the embedded one applies its migrations here
const base = stack.app.url.replace('127.0.0.1', 'localhost');

console.log(`
  App         ${base}/
  Health      ${base}/api/health
  Admin page  ${base}/admin.html   token: ${process.env.ADMIN_TOKEN}
  Outbox      ${base}/_dev/outbox
  Stripe      ${stack.emulator ? `local emulator at ${stack.emulator.url}` : 'your STRIPE_SECRET_KEY'}
  Database    ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PGlite in .data/pglite'}
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stack.close().finally(() => process.exit(0));
  });
}
