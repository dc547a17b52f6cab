import type { Route } from './http/route.js';

// Every public route, loaded on first use. The dev server dispatches through this table;
// the platforms reach the same Route objects through api/ and netlify/functions/.
export const routeTable: Array<{ path: string; load: () => Promise<Route> }> = [
  { path: '/api/health', load: async () => (await import('./health/route.js')).healthRoute },
  { path: '/api/webhook', load: async () => (await import('./webhook/route.js')).webhookRoute },
  { path: '/api/admin/stores', load: async () => (await import('./admin/stores-route.js')).adminStoresRoute },
  { path: '/api/admin/orders', load: async () => (await import('./admin/orders-route.js')).adminOrdersRoute },
  { path: '/api/admin/customers', load: async () => (await import('./admin/customers-route.js')).adminCustomersRoute },
  { path: '/api/admin/events', load: async () => (await import('./admin/events-route.js')).adminEventsRoute },
  { path: '/api/admin/events/:id', load: async () => (await import('./admin/events-route.js')).adminEventRoute },
  { path: '/api/admin/events/:id/replay', load: async () => (await import('./admin/replay-route.js')).adminReplayRoute },
  { path: '/api/admin/stats', load: async () => (await import('./admin/stats-route.js')).adminStatsRoute },
  { path: '/api/cron/reconcile', load: async () => (await import('./reconcile/route.js')).reconcileRoute },
  { path: '/api/create-checkout-session', load: async () => (await import('./checkout/create-checkout-session-route.js')).createCheckoutSessionRoute },
  { path: '/api/order-status', load: async () => (await import('./checkout/order-status-route.js')).orderStatusRoute },
  { path: '/api/create-intent', load: async () => (await import('./checkout/create-intent-route.js')).createIntentRoute },
  { path: '/api/connect-onboarding', load: async () => (await import('./connect/onboarding-route.js')).connectOnboardingRoute },
  { path: '/api/connect-onboarding/refresh', load: async () => (await import('./connect/onboarding-redirect-routes.js')).onboardingRefreshRoute },
  { path: '/api/connect-onboarding/return', load: async () => (await import('./connect/onboarding-redirect-routes.js')).onboardingReturnRoute },
  { path: '/api/connect-onboarding/login-link', load: async () => (await import('./connect/onboarding-redirect-routes.js')).onboardingLoginLinkRoute },
  { path: '/api/stores/:slug', load: async () => (await import('./storefront/route.js')).storefrontRoute },
];
