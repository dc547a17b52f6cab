import type { Config } from '@netlify/functions';
import { adminEventRoute } from '../../lib/admin/events-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(adminEventRoute);
export const config: Config = { path: '/api/admin/events/:id' };
