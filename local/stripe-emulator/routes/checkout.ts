import { expireCheckout } from '../checkout-flow.js';
import type { Emu } from '../context.js';
import { ApiError, invalidParam, missingParam, missingReference } from '../errors.js';
import { expand, expandList } from '../expand.js';
import { paginate } from '../list.js';
import { buildPrice, buildProduct } from '../objects/catalog.js';
import { buildCheckoutSession, buildLineItem } from '../objects/checkout-session.js';
import { arr, expandList as expandParam, int, metadata, num, obj, str } from '../params.js';
import { route, type ApiRequest } from '../router.js';
import type { Params, StripeObject } from '../types.js';

function inlineProduct(emu: Emu, productData: Params, path: string): string {
  if (!productData.name) throw missingParam(`${path}[product_data][name]`);
  return emu.store.put(buildProduct({ name: String(productData.name), description: str(productData, 'description') ?? null })).id as string;
}

function inlinePrice(emu: Emu, data: Params, path: string): StripeObject {
  const productData = obj(data, 'product_data');
  const productId = str(data, 'product') ?? inlineProduct(emu, productData, path);
  const recurring = obj(data, 'recurring');
  const unit = int(data, 'unit_amount', `${path}[unit_amount]`);
  const currency = str(data, 'currency');
  if (unit === undefined) throw missingParam(`${path}[unit_amount]`);
  if (!currency) throw missingParam(`${path}[currency]`);
  return emu.store.put(
    buildPrice({ product: productId, unit_amount: unit, currency, active: false, recurring: recurring.interval ? { interval: String(recurring.interval) } : null }),
  );
}

function resolveLine(emu: Emu, raw: unknown, i: number): StripeObject {
  const line = (typeof raw === 'object' && raw !== null ? raw : {}) as Params;
  const path = `line_items[${i}]`;
  const quantity = int(line, 'quantity', `${path}[quantity]`) ?? 1;
  if (quantity < 1) throw invalidParam(`${path}[quantity]`, 'Quantity must be at least 1.');
  const priceData = obj(line, 'price_data');
  let price: StripeObject;
  if (Object.keys(priceData).length > 0) price = inlinePrice(emu, priceData, `${path}[price_data]`);
  else {
    const priceId = str(line, 'price');
    if (!priceId) throw missingParam(`${path}[price]`);
    const found = emu.store.find(priceId);
    if (!found || found.object !== 'price') throw missingReference('price', priceId, `${path}[price]`);
    if (!found.active) {
      throw new ApiError(400, 'invalid_request_error', 'The price specified is inactive. This field only accepts active prices.', undefined, `${path}[price]`);
    }
    price = found;
  }
  const product = emu.store.get('product', price.product);
  return buildLineItem({ price, product, quantity });
}

function checkMode(mode: string | undefined, lines: StripeObject[]): 'payment' | 'subscription' {
  if (!mode) throw missingParam('mode');
  if (mode !== 'payment' && mode !== 'subscription') throw invalidParam('mode', `Invalid mode: ${mode}. Supported: payment, subscription.`);
  const recurring = lines.some((l) => l.price.type === 'recurring');
  if (mode === 'payment' && recurring) {
    throw invalidParam('line_items', 'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.');
  }
  if (mode === 'subscription' && !recurring) {
    throw invalidParam('line_items', 'You must provide at least one recurring price in `subscription` mode when using prices.');
  }
  return mode;
}

function paymentIntentData(p: Params): StripeObject {
  const d = obj(p, 'payment_intent_data');
  return {
    metadata: metadata(d),
    applicationFeeAmount: int(d, 'application_fee_amount', 'payment_intent_data[application_fee_amount]') ?? null,
    transferDestination: str(obj(d, 'transfer_data'), 'destination') ?? null,
    description: str(d, 'description') ?? null,
  };
}

function subscriptionData(p: Params): StripeObject {
  const d = obj(p, 'subscription_data');
  return {
    metadata: metadata(d),
    applicationFeePercent: num(d, 'application_fee_percent', 'subscription_data[application_fee_percent]') ?? null,
    transferDestination: str(obj(d, 'transfer_data'), 'destination') ?? null,
  };
}

function checkDestination(emu: Emu, destination: string | null, param: string): void {
  if (destination && !emu.store.find(destination)) throw missingReference('account', destination, param);
}

function createSession(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const rawLines = arr(p, 'line_items');
  if (rawLines.length === 0) throw missingParam('line_items');
  const lines = rawLines.map((raw, i) => resolveLine(emu, raw, i));
  const mode = checkMode(str(p, 'mode'), lines);
  const currencies = new Set(lines.map((l) => l.currency as string));
  if (currencies.size > 1) throw invalidParam('line_items', `All line items must use the same currency; got ${[...currencies].join(', ')}.`);
  if (mode === 'payment' && p.subscription_data !== undefined) throw invalidParam('subscription_data', 'You can not pass `subscription_data` in `payment` mode.');
  if (mode === 'subscription' && p.payment_intent_data !== undefined) throw invalidParam('payment_intent_data', 'You can not pass `payment_intent_data` in `subscription` mode.');
  const piData = paymentIntentData(p);
  const subData = subscriptionData(p);
  checkDestination(emu, piData.transferDestination, 'payment_intent_data[transfer_data][destination]');
  checkDestination(emu, subData.transferDestination, 'subscription_data[transfer_data][destination]');
  const customer = str(p, 'customer') ?? null;
  if (customer && !emu.store.find(customer)) throw missingReference('customer', customer, 'customer');
  const session = emu.store.put(
    buildCheckoutSession({
      mode,
      lines,
      currency: [...currencies][0] ?? 'usd',
      successUrl: str(p, 'success_url') ?? null,
      cancelUrl: str(p, 'cancel_url') ?? null,
      metadata: metadata(p),
      clientReferenceId: str(p, 'client_reference_id') ?? null,
      customerEmail: str(p, 'customer_email') ?? (customer ? emu.store.find(customer)?.email ?? null : null),
      customer,
      baseUrl: emu.baseUrl,
    }),
  );
  emu.store.sessionExtras.set(session.id, { paymentIntentData: piData, subscriptionData: subData, lineItems: lines });
  return expand(emu, session, expandParam(p));
}

function listSessions(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const pi = str(p, 'payment_intent');
  const status = str(p, 'status');
  const customer = str(p, 'customer');
  const items = emu.store.all('checkout.session').filter(
    (s) => (!pi || s.payment_intent === pi) && (!status || s.status === status) && (!customer || s.customer === customer),
  );
  return expandList(emu, paginate(items, p, '/v1/checkout/sessions'), expandParam(p));
}

function lineItems(emu: Emu, req: ApiRequest): StripeObject {
  const session = emu.store.get('checkout.session', req.path.id!);
  const items = [...(emu.store.sessionExtras.get(session.id)?.lineItems ?? [])].reverse();
  const list = paginate(items, req.params, `/v1/checkout/sessions/${session.id}/line_items`);
  return expandList(emu, list, expandParam(req.params));
}

export const checkoutRoutes = [
  route('POST', '/v1/checkout/sessions', createSession),
  route('GET', '/v1/checkout/sessions', listSessions),
  route('GET', '/v1/checkout/sessions/:id', (emu, req) => expand(emu, emu.store.get('checkout.session', req.path.id!), expandParam(req.params))),
  route('GET', '/v1/checkout/sessions/:id/line_items', lineItems),
  route('POST', '/v1/checkout/sessions/:id/expire', (emu, req) => expand(emu, expireCheckout(emu, req.path.id!, req.ctx), expandParam(req.params))),
];
