import type { Config } from '@netlify/functions';
import { adminOrdersRoute } from '../../lib/admin/orders-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(adminOrdersRoute);
export const config: Config = { path: '/api/admin/orders' };
