import type { Config } from '@netlify/functions';
import { healthRoute } from '../../lib/health/route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(healthRoute);
export const config: Config = { path: '/api/health' };
