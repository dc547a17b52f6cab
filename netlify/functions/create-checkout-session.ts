import type { Config } from '@netlify/functions';
import { createCheckoutSessionRoute } from '../../lib/checkout/create-checkout-session-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(createCheckoutSessionRoute);
export const config: Config = { path: '/api/create-checkout-session' };
