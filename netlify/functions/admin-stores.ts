import type { Config } from '@netlify/functions';
import { adminStoresRoute } from '../../lib/admin/stores-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(adminStoresRoute);
export const config: Config = { path: '/api/admin/stores' };
