import type { Config } from '@netlify/functions';
import { onboardingReturnRoute } from '../../lib/connect/onboarding-redirect-routes.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(onboardingReturnRoute);
export const config: Config = { path: '/api/connect-onboarding/return' };
