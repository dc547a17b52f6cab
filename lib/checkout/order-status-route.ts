import type Stripe from 'stripe';
import * as z from 'zod/mini';
import { getDb, type Db } from '../db/client.js';
import { parseQuery } from '../http/body.js';
import { ApiError } from '../http/errors.js';
import { json } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { limitByAddress } from '../kv/rate-limit.js';
import { findOrderBySessionId, viewOfOrder, viewOfSession, type Order, type OrderView } from './order-view.js';

const querySchema = z.object({
  session_id: z.string().check(z.regex(/^cs_(test|live)_[A-Za-z0-9]{1,250}$/, 'must be a Checkout Session id (cs_…)')),
});

// Orders still waiting for Stripe's verdict; anything else is final enough for the success page.
const waiting = new Set(['open', 'processing']);

// GET /api/order-status?session_id=cs_…: what the success page shows. When the webhook has not
// arrived yet, the session is read from Stripe and fulfilled through the webhook's own function.
async function get(req: Request, ctx: RouteContext): Promise<Response> {
  const { session_id: sessionId } = parseQuery(req, querySchema);
  const db = await getDb();
  const order = await findOrderBySessionId(db, sessionId);
  if (order && !waiting.has(order.status)) return respond(viewOfOrder(order), ctx, 'from_db');
  // Unknown ids cost a Stripe call: rate-limit the probing case like a public POST.
  if (!order) await limitByAddress('order-status', ctx.ip);
  const session = await retrieveSession(sessionId, order);
  if (!session) {
    if (order) return respond(viewOfOrder(order), ctx, 'stripe_unavailable');
    throw new ApiError('not_found', 'No such checkout session.');
  }
  // A session that expired before its webhook arrived ends our order too (the page stops polling).
  if (session.status === 'open' || (session.status === 'expired' && !order)) {
    return respond(order ? viewOfOrder(order) : viewOfSession(session), ctx, 'not_complete');
  }
  const synced = await syncAndReload(db, session, order);
  return respond(synced, ctx, 'synced');
}

/** The session with its line items; null when Stripe has no such session (or, for a known order, is down). */
async function retrieveSession(id: string, order: Order | null): Promise<Stripe.Checkout.Session | null> {
  // The SDK loads here, on the path that calls Stripe: an order already settled never pays for it.
  const [{ getStripe, isMissing }, { stripeFailure }] = await Promise.all([
    import('../stripe/client.js'),
    import('../catalogue/price-lookup.js'),
  ]);
  try {
    return await getStripe().checkout.sessions.retrieve(id, { expand: ['line_items'] });
  } catch (err) {
    if (isMissing(err)) return null;
    if (order) return null; // keep showing what we know; the next poll tries again
    throw stripeFailure(err);
  }
}

async function syncAndReload(db: Db, session: Stripe.Checkout.Session, order: Order | null): Promise<OrderView> {
  const { fulfilFromSession } = await import('./fulfil-from-session.js');
  await fulfilFromSession(db, session);
  const fresh = await findOrderBySessionId(db, session.id);
  if (fresh) return viewOfOrder(fresh);
  return order ? viewOfOrder(order) : viewOfSession(session);
}

function respond(view: OrderView, ctx: RouteContext, outcome: string): Response {
  ctx.log.outcome = outcome;
  return json(view, 200, { 'cache-control': 'no-store' });
}

export const orderStatusRoute = defineRoute({ path: '/api/order-status', methods: { GET: get } });
