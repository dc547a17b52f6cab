import { ApiError, errorChain } from './errors.js';

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
  if (dependencyDown(err)) {
    return json({ error: { code: 'unavailable', message: 'A service we depend on is unreachable; try again shortly.' } }, 503);
  }
  return json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
}

// Connection failures (the database or Redis down, unreachable, restarting), anywhere in the
// error's chain: SPEC's 503 for a dependency down, not a 500 for a bug of ours.
const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);

function dependencyDown(err: unknown): boolean {
  for (const e of errorChain(err)) {
    if (typeof e.code === 'string' && (DOWN_CODES.has(e.code) || e.code.startsWith('08'))) return true;
    if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(e.message)) return true;
  }
  return false;
}
