import type { Config } from '@netlify/functions';
import { adminStatsRoute } from '../../lib/admin/stats-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(adminStatsRoute);
export const config: Config = { path: '/api/admin/stats' };
