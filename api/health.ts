import { healthRoute } from '../lib/health/route.js';
import { toVercel } from '../lib/platform/vercel.js';

export default toVercel(healthRoute);
