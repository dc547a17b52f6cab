import type { Emu } from '../context.js';
import { expand, expandList } from '../expand.js';
import { paginate } from '../list.js';
import { buildCustomer } from '../objects/billing.js';
import { expandList as expandParam, metadata, str } from '../params.js';
import { route, type ApiRequest } from '../router.js';
import type { StripeObject } from '../types.js';

function createCustomer(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const customer = emu.store.put(buildCustomer({ email: str(p, 'email') ?? null, name: str(p, 'name') ?? null, metadata: metadata(p) }));
  emu.events.emit('customer.created', customer, { ctx: req.ctx });
  return expand(emu, customer, expandParam(p));
}

function updateCustomer(emu: Emu, req: ApiRequest): StripeObject {
  const customer = emu.store.get('customer', req.path.id!);
  const p = req.params;
  const previous: StripeObject = {};
  for (const key of ['email', 'name', 'description', 'phone']) {
    const v = str(p, key);
    if (v === undefined) continue;
    previous[key] = customer[key];
    customer[key] = v;
  }
  if (p.metadata !== undefined) {
    previous.metadata = customer.metadata;
    customer.metadata = metadata(p, customer.metadata);
  }
  emu.events.emit('customer.updated', customer, { ctx: req.ctx, previousAttributes: previous });
  return expand(emu, customer, expandParam(p));
}

function deleteCustomer(emu: Emu, req: ApiRequest): StripeObject {
  const customer = emu.store.get('customer', req.path.id!);
  emu.store.objects.delete(customer.id);
  emu.events.emit('customer.deleted', customer, { ctx: req.ctx });
  return { id: customer.id, object: 'customer', deleted: true };
}

function listCustomers(emu: Emu, req: ApiRequest): StripeObject {
  const email = str(req.params, 'email');
  const items = emu.store.all('customer').filter((c) => !email || c.email === email);
  return expandList(emu, paginate(items, req.params, '/v1/customers'), expandParam(req.params));
}

export const customerRoutes = [
  route('POST', '/v1/customers', createCustomer),
  route('GET', '/v1/customers', listCustomers),
  route('GET', '/v1/customers/:id', (emu, req) => expand(emu, emu.store.get('customer', req.path.id!), expandParam(req.params))),
  route('POST', '/v1/customers/:id', updateCustomer),
  route('DELETE', '/v1/customers/:id', deleteCustomer),
];
