import { adminStatsRoute } from '../../lib/admin/stats-route.js';
import { toVercel } from '../../lib/platform/vercel.js';

export default toVercel(adminStatsRoute);
