import type { Config } from '@netlify/functions';
import { onboardingRefreshRoute } from '../../lib/connect/onboarding-redirect-routes.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(onboardingRefreshRoute);
export const config: Config = { path: '/api/connect-onboarding/refresh' };
