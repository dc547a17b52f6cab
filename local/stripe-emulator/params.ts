import { invalidParam, missingParam } from './errors.js';
import type { Params } from './types.js';

export function str(p: Params, key: string): string | undefined {
  const v = p[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function requireStr(p: Params, key: string, path = key): string {
  const v = str(p, key);
  if (v === undefined) throw missingParam(path);
  return v;
}

export function int(p: Params, key: string, path = key): number | undefined {
  const v = p[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
    throw invalidParam(path, `Invalid integer: ${String(v)}`, 'parameter_invalid_integer');
  }
  return Number(v);
}

export function requireInt(p: Params, key: string, path = key): number {
  const v = int(p, key, path);
  if (v === undefined) throw missingParam(path);
  return v;
}

export function num(p: Params, key: string, path = key): number | undefined {
  const v = p[key];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || Number.isNaN(n)) throw invalidParam(path, `Invalid decimal: ${String(v)}`);
  return n;
}

export function bool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function obj(p: Params, key: string): Params {
  const v = p[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Params) : {};
}

export function arr(p: Params, key: string): unknown[] {
  const v = p[key];
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && v !== null) return Object.values(v);
  return [];
}

/** Metadata with Stripe's rule that an empty value deletes the key. */
export function metadata(p: Params, existing: Record<string, string> = {}): Record<string, string> {
  const out = { ...existing };
  for (const [k, v] of Object.entries(obj(p, 'metadata'))) {
    if (v === '') delete out[k];
    else out[k] = String(v);
  }
  return out;
}

export function expandList(p: Params): string[] {
  return arr(p, 'expand').filter((v): v is string => typeof v === 'string');
}
