import { toVercel } from '../lib/platform/vercel.js';
import { webhookRoute } from '../lib/webhook/route.js';

export default toVercel(webhookRoute);
