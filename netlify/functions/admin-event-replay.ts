import type { Config } from '@netlify/functions';
import { adminReplayRoute } from '../../lib/admin/replay-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(adminReplayRoute);
export const config: Config = { path: '/api/admin/events/:id/replay' };
