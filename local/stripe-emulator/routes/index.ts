import { accountRoutes } from './accounts.js';
import { catalogRoutes } from './catalog.js';
import { checkoutRoutes } from './checkout.js';
import { customerRoutes } from './customers.js';
import { eventRoutes } from './events.js';
import { paymentRoutes } from './payments.js';

export const apiRoutes = [...catalogRoutes, ...checkoutRoutes, ...paymentRoutes, ...customerRoutes, ...accountRoutes, ...eventRoutes];
