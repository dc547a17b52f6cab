import type { Emu } from '../context.js';
import { missingResource } from '../errors.js';
import { paginate } from '../list.js';
import { toV2Account } from '../objects/v2-account.js';
import { arr, bool, int, obj, str } from '../params.js';
import { route, type ApiRequest } from '../router.js';
import type { Params, StripeObject } from '../types.js';

function createdFilter(p: Params): (created: number) => boolean {
  const exact = typeof p.created === 'string' ? int(p, 'created') : undefined;
  const range = obj(p, 'created');
  const gte = int(range, 'gte', 'created[gte]');
  const gt = int(range, 'gt', 'created[gt]');
  const lte = int(range, 'lte', 'created[lte]');
  const lt = int(range, 'lt', 'created[lt]');
  return (c) =>
    (exact === undefined || c === exact) &&
    (gte === undefined || c >= gte) &&
    (gt === undefined || c > gt) &&
    (lte === undefined || c <= lte) &&
    (lt === undefined || c < lt);
}

function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(type);
}

function listEvents(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const inRange = createdFilter(p);
  const type = str(p, 'type');
  const types = arr(p, 'types').map(String);
  const delivered = bool(p, 'delivery_success');
  // As Stripe: the platform lists its own events; a connected account's, with its Stripe-Account.
  const account = req.ctx.account ?? null;
  const items = emu.events.v1
    .filter(
      (e) =>
        (e.event.account ?? null) === account &&
        inRange(e.event.created) &&
        (!type || typeMatches(type, e.event.type)) &&
        (types.length === 0 || types.some((t) => typeMatches(t, e.event.type))) &&
        (delivered === undefined || e.delivered === delivered),
    )
    .map((e) => e.event);
  return paginate(items, p, '/v1/events');
}

function retrieveEvent(emu: Emu, req: ApiRequest): StripeObject {
  const entry = emu.events.find(req.path.id!);
  if (!entry) throw missingResource('event', req.path.id!);
  return entry.event;
}

function retrieveThin(emu: Emu, req: ApiRequest): StripeObject {
  const event = emu.events.thin.get(req.path.id!);
  if (!event) throw missingResource('event', req.path.id!);
  return event;
}

function listThin(emu: Emu, req: ApiRequest): StripeObject {
  const objectId = str(req.params, 'object_id');
  const data = [...emu.events.thin.values()].filter((e) => !objectId || e.related_object?.id === objectId).reverse();
  return { data, next_page_url: null, previous_page_url: null };
}

export const eventRoutes = [
  route('GET', '/v1/events', listEvents),
  route('GET', '/v1/events/:id', retrieveEvent),
  route('GET', '/v2/core/events', listThin),
  route('GET', '/v2/core/events/:id', retrieveThin),
  route('GET', '/v2/core/accounts/:id', (emu, req) => toV2Account(emu.store.get('account', req.path.id!))),
];
