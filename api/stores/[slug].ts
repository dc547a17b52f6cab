import { storefrontRoute } from '../../lib/storefront/route.js';
import { toVercel } from '../../lib/platform/vercel.js';

export default toVercel(storefrontRoute);
