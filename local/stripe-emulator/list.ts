import { missingResource } from './errors.js';
import { int, str } from './params.js';
import type { Params, StripeObject } from './types.js';

export interface ListResult {
  object: 'list';
  data: StripeObject[];
  has_more: boolean;
  url: string;
}

/** Paginates items given oldest-first; Stripe lists newest-first. */
export function paginate(itemsOldestFirst: StripeObject[], params: Params, url: string): ListResult {
  const items = [...itemsOldestFirst].reverse();
  const limit = Math.min(Math.max(int(params, 'limit') ?? 10, 1), 100);
  const after = str(params, 'starting_after');
  const before = str(params, 'ending_before');
  if (before !== undefined) {
    const idx = indexOrThrow(items, before, 'ending_before');
    const start = Math.max(idx - limit, 0);
    return { object: 'list', data: items.slice(start, idx), has_more: start > 0, url };
  }
  const start = after === undefined ? 0 : indexOrThrow(items, after, 'starting_after') + 1;
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length, url };
}

function indexOrThrow(items: StripeObject[], id: string, param: string): number {
  const idx = items.findIndex((o) => o.id === id);
  if (idx < 0) throw missingResource('object', id, param);
  return idx;
}

export function listOf(data: StripeObject[], url: string): ListResult {
  return { object: 'list', data, has_more: false, url };
}
