import { checkOrigin, preflight } from '../http/cors.js';
import { ApiError } from '../http/errors.js';
import { json } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { limitByAddress } from '../kv/rate-limit.js';
import { createIntent } from './create-intent.js';
import { parseCreateIntentRequest } from './create-intent-request.js';

// POST /api/create-intent: a custom Stripe Elements checkout. Origin, parse, limit, act.
async function post(req: Request, ctx: RouteContext): Promise<Response> {
  const cors = checkOrigin(req);
  try {
    const input = await parseCreateIntentRequest(req);
    await limitByAddress('create-intent', ctx.ip);
    const intent = await createIntent(input);
    ctx.log.outcome = 'intent_created';
    return json(intent, 200, cors);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'stripe_error') ctx.log.error = String(err.cause ?? '').slice(0, 300);
    // An allowed cross-origin page must be able to read the error to show it.
    if (err instanceof ApiError && Object.keys(cors).length) {
      throw Object.assign(new ApiError(err.code, err.message, { ...err.extra, headers: { ...err.extra.headers, ...cors } }), { cause: err.cause });
    }
    throw err;
  }
}

export const createIntentRoute = defineRoute({
  path: '/api/create-intent',
  methods: { POST: post, OPTIONS: (req) => preflight(req) },
});
