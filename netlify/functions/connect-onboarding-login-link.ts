import type { Config } from '@netlify/functions';
import { onboardingLoginLinkRoute } from '../../lib/connect/onboarding-redirect-routes.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(onboardingLoginLinkRoute);
export const config: Config = { path: '/api/connect-onboarding/login-link' };
