import { getDb } from '../db/client.js';
import { json } from '../http/respond.js';
import { defineRoute } from '../http/route.js';
import { requireBearer } from '../admin/auth.js';
import { getStripe } from '../stripe/client.js';
import { reconcile, type ReconcileResult } from './reconcile.js';

/** The one entry point of both schedulers (Vercel cron, Netlify scheduled function). */
export async function runReconcile(): Promise<ReconcileResult> {
  return reconcile(await getDb(), getStripe());
}

// Vercel's cron sends `Authorization: Bearer $CRON_SECRET` as a GET on the production deployment.
export const reconcileRoute = defineRoute({
  path: '/api/cron/reconcile',
  methods: {
    async GET(req, ctx) {
      requireBearer(req, 'CRON_SECRET');
      const result = await runReconcile();
      Object.assign(ctx.log, {
        fetched: result.fetched, applied: result.applied, failed: result.failed, emailsSent: result.emailsSent,
        outcome: result.failed > 0 ? 'partial' : 'ok',
      });
      return json(result);
    },
  },
});
