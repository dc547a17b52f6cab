import type { Emu } from './context.js';
import { ApiError, notFoundRoute } from './errors.js';
import { parseForm } from './form.js';
import { randomId } from './ids.js';
import { matchRoute } from './router.js';
import { apiRoutes } from './routes/index.js';
import type { Params, RequestContext } from './types.js';

export interface RawRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function header(req: RawRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

// Stripe takes the key as Bearer or as the Basic-auth user name (curl -u sk_test_…:).
function apiKey(auth: string): string {
  if (auth.startsWith('Bearer ')) return auth.slice(7).trim();
  if (auth.startsWith('Basic ')) return Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
  return '';
}

function checkAuth(req: RawRequest): void {
  const key = apiKey(header(req, 'authorization') ?? '');
  if (!/^(sk|rk)_(test|live)_\S+$/.test(key)) {
    const shown = key ? `${key.slice(0, 8)}${'*'.repeat(Math.max(key.length - 12, 0))}${key.slice(-4)}` : '';
    const message = key
      ? `Invalid API Key provided: ${shown}`
      : 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').';
    throw new ApiError(401, 'invalid_request_error', message);
  }
}

function parseParams(req: RawRequest): Params {
  const query = parseForm(req.url.search.slice(1));
  if (req.method === 'GET' || req.method === 'DELETE' || !req.body) return query;
  if (req.url.pathname.startsWith('/v2/')) {
    try {
      return { ...query, ...(JSON.parse(req.body) as Params) };
    } catch {
      throw new ApiError(400, 'invalid_request_error', 'Invalid JSON body.');
    }
  }
  return { ...query, ...parseForm(req.body) };
}

function dispatch(emu: Emu, req: RawRequest, ctx: RequestContext): { status: number; body: string } {
  try {
    checkAuth(req);
    const match = matchRoute(apiRoutes, req.method, req.url.pathname);
    if (!match) throw notFoundRoute(req.method, req.url.pathname);
    const result = match.route.handler(emu, { params: parseParams(req), path: match.path, ctx, url: req.url.pathname });
    return { status: 200, body: JSON.stringify(result, null, 2) };
  } catch (err) {
    const apiErr = err instanceof ApiError ? err : new ApiError(500, 'api_error', `Emulator error: ${(err as Error).message}`);
    return { status: apiErr.status, body: JSON.stringify(apiErr.toJSON(), null, 2) };
  }
}

/** Runs a /v1 or /v2 request, replaying or rejecting reused Idempotency-Keys like Stripe does. */
export function handleApi(emu: Emu, req: RawRequest): JsonResponse {
  const requestId = randomId('req', 14);
  const idempotencyKey = header(req, 'idempotency-key') ?? null;
  const ctx: RequestContext = { requestId, idempotencyKey, account: header(req, 'stripe-account') ?? null };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId, 'stripe-version': header(req, 'stripe-version') ?? '' };
  if (req.method !== 'POST' || !idempotencyKey) return { ...dispatch(emu, req, ctx), headers };
  headers['idempotency-key'] = idempotencyKey;
  const scope = `${ctx.account ?? ''}|${idempotencyKey}`;
  const fingerprint = `${req.method} ${req.url.pathname} ${req.body}`;
  const previous = emu.store.idempotency.get(scope);
  if (previous && previous.fingerprint !== fingerprint) {
    const err = new ApiError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`);
    return { status: 400, headers, body: JSON.stringify(err.toJSON(), null, 2) };
  }
  if (previous) return { status: previous.status, headers: { ...headers, 'idempotent-replayed': 'true' }, body: previous.body };
  const result = dispatch(emu, req, ctx);
  if (result.status < 500) emu.store.idempotency.set(scope, { fingerprint, ...result });
  return { ...result, headers };
}
