import { reconcileRoute } from '../../lib/reconcile/route.js';
import { toVercel } from '../../lib/platform/vercel.js';

export default toVercel(reconcileRoute);
