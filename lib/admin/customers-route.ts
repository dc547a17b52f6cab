import { customers } from '../db/schema.js';
import { idListRoute } from './id-list-route.js';

export const adminCustomersRoute = idListRoute({
  path: '/api/admin/customers',
  table: customers,
  fields: {
    id: customers.id, stripeId: customers.stripeId, accountId: customers.accountId, email: customers.email,
    name: customers.name, deleted: customers.deleted, createdAt: customers.createdAt,
    updatedAt: customers.updatedAt,
  },
});
