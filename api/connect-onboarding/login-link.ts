import { onboardingLoginLinkRoute } from '../../lib/connect/onboarding-redirect-routes.js';
import { toVercel } from '../../lib/platform/vercel.js';

export default toVercel(onboardingLoginLinkRoute);
