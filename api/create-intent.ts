import { createIntentRoute } from '../lib/checkout/create-intent-route.js';
import { toVercel } from '../lib/platform/vercel.js';

export default toVercel(createIntentRoute);
