import type { Config } from '@netlify/functions';
import { adminCustomersRoute } from '../../lib/admin/customers-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(adminCustomersRoute);
export const config: Config = { path: '/api/admin/customers' };
