import { adminStoresRoute } from '../../lib/admin/stores-route.js';
import { toVercel } from '../../lib/platform/vercel.js';

export default toVercel(adminStoresRoute);
