import { getConfig } from '../config/index.js';
import { ApiError } from './errors.js';

const ALLOW_HEADERS = 'content-type, idempotency-key';

/**
 * Cross-origin callers must be in ALLOWED_ORIGINS; same-origin pages (PUBLIC_BASE_URL or the
 * request's own origin) and server-to-server calls without `Origin` pass. A refused origin
 * gets no CORS headers and a 403 before anything is written.
 */
export function checkOrigin(req: Request): Record<string, string> {
  const origin = req.headers.get('origin');
  if (!origin) return {};
  const { ALLOWED_ORIGINS, PUBLIC_BASE_URL } = getConfig();
  const own = [new URL(req.url).origin, PUBLIC_BASE_URL ? new URL(PUBLIC_BASE_URL).origin : null];
  if (own.includes(origin)) return {};
  if (!ALLOWED_ORIGINS.includes(origin) && !ALLOWED_ORIGINS.includes('*')) {
    throw new ApiError('forbidden_origin', `Origin ${origin} is not allowed to call this API.`);
  }
  // Retry-After is not a header browsers show a cross-origin script unless it is exposed.
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' };
}

/** Answer to a CORS preflight for a public POST route. */
export async function preflight(req: Request): Promise<Response> {
  const headers = checkOrigin(req);
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': ALLOW_HEADERS,
      'access-control-max-age': '600',
    },
  });
}
