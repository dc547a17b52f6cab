import { checkOrigin, preflight } from '../http/cors.js';
import { json } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { limitByAddress } from '../kv/rate-limit.js';
import { createIntent } from './create-intent.js';
import { parseCreateIntentRequest } from './create-intent-request.js';

// POST /api/create-intent: a custom Stripe Elements checkout. Origin, parse, limit, act.
async function post(req: Request, ctx: RouteContext): Promise<Response> {
  ctx.headers = checkOrigin(req);
  const input = await parseCreateIntentRequest(req);
  await limitByAddress('create-intent', ctx.ip);
  const intent = await createIntent(input);
  ctx.log.outcome = 'intent_created';
  return json(intent);
}

export const createIntentRoute = defineRoute({
  path: '/api/create-intent',
  methods: { POST: post, OPTIONS: (req) => preflight(req) },
});
