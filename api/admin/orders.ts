import { adminOrdersRoute } from '../../lib/admin/orders-route.js';
import { toVercel } from '../../lib/platform/vercel.js';

export default toVercel(adminOrdersRoute);
