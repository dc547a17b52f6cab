import type { Config } from '@netlify/functions';
import { toNetlifyScheduled } from '../../lib/platform/netlify.js';
import { runReconcile } from '../../lib/reconcile/route.js';

// Netlify runs this on its schedule; a scheduled function has no public path, so no token.
export default toNetlifyScheduled('reconcile-scheduled', async () => {
  const r = await runReconcile();
  return { fetched: r.fetched, applied: r.applied, failed: r.failed, emailsSent: r.emailsSent };
});

export const config: Config = { schedule: '@hourly' };
