import type { Config } from '@netlify/functions';
import { storefrontRoute } from '../../lib/storefront/route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(storefrontRoute);
export const config: Config = { path: '/api/stores/:slug' };
