import { preflight, checkOrigin } from '../http/cors.js';
import { ApiError } from '../http/errors.js';
import { json, redirect } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { limitByAddress } from '../kv/rate-limit.js';
import { createCheckout } from './create-session.js';
import { parseCheckoutRequest } from './request.js';

// POST /api/create-checkout-session: the button script (JSON) or a plain HTML form.
// Steps in order: authorise the origin (headers only), parse, limit, act, respond.
async function post(req: Request, ctx: RouteContext): Promise<Response> {
  const cors = checkOrigin(req);
  try {
    const input = await parseCheckoutRequest(req);
    await limitByAddress('checkout', ctx.ip);
    const session = await createCheckout(input);
    ctx.log.outcome = 'session_created';
    if (input.kind === 'form') return withHeaders(redirect(session.url, 303), cors);
    return json(session, 200, cors);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'stripe_error') ctx.log.error = String(err.cause ?? '').slice(0, 300);
    // An allowed cross-origin page must be able to read the error to show it.
    if (err instanceof ApiError && Object.keys(cors).length) throw withCors(err, cors);
    throw err;
  }
}

function withHeaders(res: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

function withCors(err: ApiError, cors: Record<string, string>): ApiError {
  const copy = new ApiError(err.code, err.message, { ...err.extra, headers: { ...err.extra.headers, ...cors } });
  return Object.assign(copy, { cause: err.cause });
}

export const createCheckoutSessionRoute = defineRoute({
  path: '/api/create-checkout-session',
  methods: { POST: post, OPTIONS: (req) => preflight(req) },
});
