import { sql } from 'drizzle-orm';
import { customers } from '../db/schema.js';
import { idListRoute } from './id-list-route.js';

export const adminCustomersRoute = idListRoute({
  path: '/api/admin/customers',
  table: customers,
  fields: {
    id: customers.id, stripeId: customers.stripeId, accountId: customers.accountId,
    // The account's store, once it exists (a customer can be seen before its store).
    storeId: sql<number | null>`(select s.id from stores s where s.account_id = customers.account_id)`.mapWith(Number),
    email: customers.email,
    name: customers.name, deleted: customers.deleted, createdAt: customers.createdAt,
    updatedAt: customers.updatedAt,
  },
});
