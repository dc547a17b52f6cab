import { ApiError, describeThrown } from './errors.js';
import { log, type LogFields } from './log.js';
import { errorResponse } from './respond.js';

export interface RouteContext {
  /** Client address as the platform reports it; null when unknown. */
  ip: string | null;
  /** `:name` segments of the route path. */
  params: Record<string, string>;
  /** Fields the handler adds to the request's log line (event id, outcome…). */
  log: LogFields;
  /** Headers for every answer to this request, an error's too (CORS: a page must read its errors). */
  headers: Record<string, string>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';

export interface Route {
  /** Public path, identical on every platform, e.g. `/api/stores/:slug`. */
  path: string;
  methods: Partial<Record<Method, (req: Request, ctx: RouteContext) => Promise<Response>>>;
}

export function defineRoute(route: Route): Route {
  return route;
}

/** Runs a route: method guard, params, one catch, one log line. Every platform calls this. */
export async function invoke(route: Route, req: Request, ip: string | null = null): Promise<Response> {
  const started = performance.now();
  const ctx: RouteContext = { ip, params: {}, log: {}, headers: {} };
  let res: Response;
  try {
    ctx.params = matchPath(route.path, new URL(req.url).pathname) ?? {};
    // Own keys only: any token is a method, and `constructor` or `toString` must not find Object's.
    const handler = Object.hasOwn(route.methods, req.method) ? route.methods[req.method as Method] : undefined;
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ');
      throw new ApiError('method_not_allowed', `Use ${allow}.`, { headers: { allow } });
    }
    res = await handler(req, ctx);
  } catch (err) {
    // An ApiError's cause is the detail kept for the log (Stripe's own message, say).
    if (!(err instanceof ApiError)) ctx.log.error = describeThrown(err);
    else if (err.cause !== undefined) ctx.log.error ??= String(err.cause).slice(0, 300);
    res = errorResponse(err);
  }
  for (const [name, value] of Object.entries(ctx.headers)) res.headers.set(name, value);
  const level = res.status >= 500 ? 'error' : 'info';
  log(level, 'request', {
    route: route.path,
    method: req.method,
    status: res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    ...ctx.log,
  });
  return res;
}

/** `{slug: 'x'}` for `/api/stores/:slug` and `/api/stores/x`; null when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeSegment(g);
    else if (w !== g) return null;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('invalid_request', 'The path is not valid: a segment has malformed percent-encoding.');
  }
}
