import type { Params } from './types.js';

type Tree = Record<string, unknown>;

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const parts = [key.slice(0, first)];
  for (const m of key.slice(first).matchAll(/\[([^\]]*)\]/g)) parts.push(m[1] ?? '');
  return parts;
}

function assign(root: Tree, parts: string[], value: string): void {
  let node = root;
  parts.forEach((raw, i) => {
    const part = raw === '' ? String(Object.keys(node).length) : raw;
    if (i === parts.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Tree;
  });
}

function arrayify(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const tree = value as Tree;
  const keys = Object.keys(tree);
  for (const k of keys) tree[k] = arrayify(tree[k]);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => tree[k]);
  }
  return tree;
}

/** Parses Stripe's bracketed form encoding (`a[b][0][c]=v`, `expand[]=x`) into nested values. */
export function parseForm(body: string): Params {
  const root: Tree = {};
  for (const [key, value] of new URLSearchParams(body)) assign(root, splitKey(key), value);
  return arrayify(root) as Params;
}
