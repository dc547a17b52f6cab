import { stores } from '../db/schema.js';
import { idListRoute } from './id-list-route.js';

export const adminStoresRoute = idListRoute({
  path: '/api/admin/stores',
  table: stores,
  fields: {
    id: stores.id, accountId: stores.accountId, slug: stores.slug, name: stores.name, email: stores.email,
    country: stores.country, status: stores.status, chargesEnabled: stores.chargesEnabled,
    payoutsEnabled: stores.payoutsEnabled, disabledReason: stores.disabledReason,
    createdAt: stores.createdAt, updatedAt: stores.updatedAt,
  },
});
