import { adminReplayRoute } from '../../../../lib/admin/replay-route.js';
import { toVercel } from '../../../../lib/platform/vercel.js';

export default toVercel(adminReplayRoute);
