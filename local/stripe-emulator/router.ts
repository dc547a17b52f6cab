import type { Emu } from './context.js';
import type { Params, RequestContext, StripeObject } from './types.js';

export interface ApiRequest {
  params: Params;
  path: Record<string, string>;
  ctx: RequestContext;
  url: string;
}

export type Handler = (emu: Emu, req: ApiRequest) => StripeObject;

export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export function route(method: string, template: string, handler: Handler): Route {
  const keys: string[] = [];
  const source = template.replace(/:(\w+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), keys, handler };
}

export function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; path: Record<string, string> } | null {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const path: Record<string, string> = {};
    r.keys.forEach((k, i) => (path[k] = decodeURIComponent(m[i + 1] ?? '')));
    return { route: r, path };
  }
  return null;
}
