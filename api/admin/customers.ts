import { adminCustomersRoute } from '../../lib/admin/customers-route.js';
import { toVercel } from '../../lib/platform/vercel.js';

export default toVercel(adminCustomersRoute);
