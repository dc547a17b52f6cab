import { accountRoutes } from './accounts.ts';
import { catalogRoutes } from './catalog.ts';
import { checkoutRoutes } from './checkout.ts';
import { customerRoutes } from './customers.ts';
import { eventRoutes } from './events.ts';
import { paymentRoutes } from './payments.ts';

export const apiRoutes = [...catalogRoutes, ...checkoutRoutes, ...paymentRoutes, ...customerRoutes, ...accountRoutes, ...eventRoutes];
