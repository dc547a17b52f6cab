import type { Emu } from '../context.js';
import { invalidParam, missingReference } from '../errors.js';
import { expand, expandList } from '../expand.js';
import { paginate } from '../list.js';
import { buildPrice, buildProduct } from '../objects/catalog.js';
import { arr, bool, expandList as expandParam, int, metadata, obj, requireInt, requireStr, str } from '../params.js';
import { route, type ApiRequest } from '../router.js';
import type { Params, RequestContext, StripeObject } from '../types.js';

function recurringParam(p: Params, path: string): { interval: string; interval_count?: number; usage_type?: string } | null {
  const r = obj(p, 'recurring');
  if (Object.keys(r).length === 0) return null;
  const interval = requireStr(r, 'interval', `${path}[recurring][interval]`);
  if (!['day', 'week', 'month', 'year'].includes(interval)) throw invalidParam(`${path}[recurring][interval]`, `Invalid interval: ${interval}`);
  const usage = str(r, 'usage_type') ?? 'licensed';
  if (!['licensed', 'metered'].includes(usage)) throw invalidParam(`${path}[recurring][usage_type]`, `Invalid usage_type: ${usage}`);
  return { interval, interval_count: int(r, 'interval_count'), usage_type: usage };
}

export function createPrice(emu: Emu, p: Params, productId: string, ctx: RequestContext, path = 'price'): StripeObject {
  const price = emu.store.put(
    buildPrice({
      product: productId,
      unit_amount: requireInt(p, 'unit_amount'),
      currency: requireStr(p, 'currency'),
      recurring: recurringParam(p, path),
      active: bool(p, 'active'),
      lookup_key: str(p, 'lookup_key') ?? null,
      nickname: str(p, 'nickname') ?? null,
      metadata: metadata(p),
      tax_behavior: str(p, 'tax_behavior'),
    }),
  );
  emu.events.emit('price.created', price, { ctx });
  return price;
}

function createProduct(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const product = buildProduct({
    id: str(p, 'id'),
    name: requireStr(p, 'name'),
    description: str(p, 'description') ?? null,
    images: arr(p, 'images').map(String),
    active: bool(p, 'active'),
    metadata: metadata(p),
    url: str(p, 'url') ?? null,
  });
  if (emu.store.find(product.id)) throw invalidParam('id', `Product already exists.`, 'resource_already_exists');
  emu.store.put(product);
  emu.events.emit('product.created', product, { ctx: req.ctx });
  const dpd = obj(p, 'default_price_data');
  if (Object.keys(dpd).length > 0) {
    const price = createPrice(emu, dpd, product.id, req.ctx, 'default_price_data');
    product.default_price = price.id;
  }
  return expand(emu, product, expandParam(p));
}

function updateProduct(emu: Emu, req: ApiRequest): StripeObject {
  const product = emu.store.get('product', req.path.id!);
  const p = req.params;
  const previous: StripeObject = {};
  const set = (key: string, value: unknown): void => {
    if (value === undefined) return;
    previous[key] = product[key];
    product[key] = value;
  };
  set('name', str(p, 'name'));
  set('description', str(p, 'description'));
  set('active', bool(p, 'active'));
  set('default_price', str(p, 'default_price'));
  if (p.metadata !== undefined) set('metadata', metadata(p, product.metadata));
  product.updated = Math.max(product.updated, Math.floor(Date.now() / 1000));
  emu.events.emit('product.updated', product, { ctx: req.ctx, previousAttributes: previous });
  return expand(emu, product, expandParam(p));
}

function listProducts(emu: Emu, req: ApiRequest): StripeObject {
  const active = bool(req.params, 'active');
  const items = emu.store.all('product').filter((o) => active === undefined || o.active === active);
  return expandList(emu, paginate(items, req.params, '/v1/products'), expandParam(req.params));
}

function priceCreate(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  let productId = str(p, 'product');
  const productData = obj(p, 'product_data');
  if (!productId && productData.name) {
    const product = emu.store.put(buildProduct({ name: String(productData.name), metadata: metadata(productData) }));
    emu.events.emit('product.created', product, { ctx: req.ctx });
    productId = product.id;
  }
  if (!productId) throw invalidParam('product', 'You must specify either `product` or `product_data` when creating a price.', 'parameter_missing');
  if (!emu.store.find(productId)) throw missingReference('product', productId, 'product');
  return expand(emu, createPrice(emu, p, productId, req.ctx), expandParam(p));
}

function listPrices(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const active = bool(p, 'active');
  const product = str(p, 'product');
  const type = str(p, 'type');
  const currency = str(p, 'currency');
  const lookupKeys = arr(p, 'lookup_keys').map(String);
  const items = emu.store.all('price').filter(
    (o) =>
      (active === undefined || o.active === active) &&
      (!product || o.product === product) &&
      (!type || o.type === type) &&
      (!currency || o.currency === currency) &&
      (lookupKeys.length === 0 || lookupKeys.includes(o.lookup_key)),
  );
  return expandList(emu, paginate(items, p, '/v1/prices'), expandParam(p));
}

export const catalogRoutes = [
  route('POST', '/v1/products', createProduct),
  route('GET', '/v1/products', listProducts),
  route('GET', '/v1/products/:id', (emu, req) => expand(emu, emu.store.get('product', req.path.id!), expandParam(req.params))),
  route('POST', '/v1/products/:id', updateProduct),
  route('POST', '/v1/prices', priceCreate),
  route('GET', '/v1/prices', listPrices),
  route('GET', '/v1/prices/:id', (emu, req) => expand(emu, emu.store.get('price', req.path.id!), expandParam(req.params))),
];
