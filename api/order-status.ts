import { orderStatusRoute } from '../lib/checkout/order-status-route.js';
import { toVercel } from '../lib/platform/vercel.js';

export default toVercel(orderStatusRoute);
