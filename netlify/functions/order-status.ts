import type { Config } from '@netlify/functions';
import { orderStatusRoute } from '../../lib/checkout/order-status-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(orderStatusRoute);
export const config: Config = { path: '/api/order-status' };
