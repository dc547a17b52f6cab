import type { Config } from '@netlify/functions';
import { reconcileRoute } from '../../lib/reconcile/route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(reconcileRoute);
export const config: Config = { path: '/api/cron/reconcile' };
