import { preflight, checkOrigin } from '../http/cors.js';
import { json, redirect } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { limitByAddress } from '../kv/rate-limit.js';
import { createCheckout } from './create-session.js';
import { parseCheckoutRequest } from './request.js';

// POST /api/create-checkout-session: the button script (JSON) or a plain HTML form.
// Steps in order: authorise the origin (headers only), parse, limit, act, respond.
async function post(req: Request, ctx: RouteContext): Promise<Response> {
  ctx.headers = checkOrigin(req);
  const input = await parseCheckoutRequest(req);
  await limitByAddress('checkout', ctx.ip);
  const session = await createCheckout(input);
  ctx.log.outcome = 'session_created';
  if (input.kind === 'form') return redirect(session.url, 303);
  return json(session);
}

export const createCheckoutSessionRoute = defineRoute({
  path: '/api/create-checkout-session',
  methods: { POST: post, OPTIONS: (req) => preflight(req) },
});
