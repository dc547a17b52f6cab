import { adminEventRoute } from '../../../lib/admin/events-route.js';
import { toVercel } from '../../../lib/platform/vercel.js';

export default toVercel(adminEventRoute);
