import type { Config } from '@netlify/functions';
import { log } from '../../lib/http/log.js';
import { runReconcile } from '../../lib/reconcile/route.js';

// Netlify runs this on its schedule; a scheduled function has no public path, so no token.
export default async (): Promise<Response> => {
  const started = performance.now();
  try {
    const r = await runReconcile();
    log('info', 'scheduled', { route: 'reconcile-scheduled', ms: Math.round(performance.now() - started), fetched: r.fetched, applied: r.applied, failed: r.failed, emailsSent: r.emailsSent });
  } catch (err) {
    log('error', 'scheduled', { route: 'reconcile-scheduled', error: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'non-error thrown' });
  }
  return new Response(null, { status: 204 });
};

export const config: Config = { schedule: '@hourly' };
