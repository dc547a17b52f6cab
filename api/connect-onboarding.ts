import { connectOnboardingRoute } from '../lib/connect/onboarding-route.js';
import { toVercel } from '../lib/platform/vercel.js';

export default toVercel(connectOnboardingRoute);
