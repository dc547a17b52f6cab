import type { Config } from '@netlify/functions';
import { toNetlify } from '../../lib/platform/netlify.js';
import { webhookRoute } from '../../lib/webhook/route.js';

export default toNetlify(webhookRoute);
export const config: Config = { path: '/api/webhook' };
