import { ApiError } from './errors.js';

export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('content-type', 'application/json; charset=utf-8');
  h.set('cache-control', h.get('cache-control') ?? 'no-store');
  return new Response(JSON.stringify(body), { status, headers: h });
}

export function redirect(location: string, status = 303): Response {
  return new Response(null, { status, headers: { location, 'cache-control': 'no-store' } });
}

/** Renders any thrown value in the contract's shape; unknown errors never leak their text. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) {
    const body: Record<string, unknown> = { code: err.code, message: err.message };
    if (err.extra.fields) body.fields = err.extra.fields;
    return json({ error: body }, err.status, err.extra.headers);
  }
  return json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
}
