import type { Config } from '@netlify/functions';
import { connectOnboardingRoute } from '../../lib/connect/onboarding-route.js';
import { toNetlify } from '../../lib/platform/netlify.js';

export default toNetlify(connectOnboardingRoute);
export const config: Config = { path: '/api/connect-onboarding' };
