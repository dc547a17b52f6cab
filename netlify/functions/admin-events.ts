import type { Config } from '@netlify/functions';
import { adminEventsRoute } from '../../lib/admin/events-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(adminEventsRoute);
export const config: Config = { path: '/api/admin/events' };
