import { createCheckoutSessionRoute } from '../lib/checkout/create-checkout-session-route.js';
import { toVercel } from '../lib/platform/vercel.js';

export default toVercel(createCheckoutSessionRoute);
