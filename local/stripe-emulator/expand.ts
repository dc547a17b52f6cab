import type { Emu } from './context.js';
import { paginate } from './list.js';
import type { StripeObject } from './types.js';

function virtualField(emu: Emu, owner: StripeObject, key: string): unknown {
  if (owner.object === 'checkout.session' && key === 'line_items') {
    // As Stripe: the expanded list holds the first handful (a default page); the rest via listLineItems.
    const extras = emu.store.sessionExtras.get(owner.id);
    return paginate([...(extras?.lineItems ?? [])].reverse(), {}, `/v1/checkout/sessions/${owner.id}/line_items`);
  }
  return owner[key];
}

function expandPath(emu: Emu, value: unknown, segments: string[]): unknown {
  if (segments.length === 0 || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => expandPath(emu, v, segments));
  if (typeof value !== 'object') return value;
  const owner = value as StripeObject;
  const [key, ...rest] = segments as [string, ...string[]];
  let field = virtualField(emu, owner, key);
  if (typeof field === 'string') field = emu.store.find(field) ?? field;
  return { ...owner, [key]: expandPath(emu, structuredClone(field), rest) };
}

/** Returns a response copy with `expand[]` paths resolved (ids become objects). */
export function expand(emu: Emu, object: StripeObject, paths: string[]): StripeObject {
  let out = structuredClone(object);
  for (const path of paths) out = expandPath(emu, out, path.split('.')) as StripeObject;
  return out;
}

/** List responses expand under `data.` like Stripe. */
export function expandList<T extends { data: StripeObject[] }>(emu: Emu, list: T, paths: string[]): T {
  const inner = paths.filter((p) => p.startsWith('data.')).map((p) => p.slice(5));
  return { ...list, data: list.data.map((o) => expand(emu, o, inner)) };
}
