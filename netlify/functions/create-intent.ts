import type { Config } from '@netlify/functions';
import { createIntentRoute } from '../../lib/checkout/create-intent-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(createIntentRoute);
export const config: Config = { path: '/api/create-intent' };
