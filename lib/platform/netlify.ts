import type { Context } from '@netlify/functions';
import { describeThrown } from '../http/errors.js';
import { log } from '../http/log.js';
import { invoke, type Route } from '../http/route.js';
import { markDeployed } from './deployed.js';

// Netlify v2: a default-exported (Request, Context) function; `context.ip` is the client.
export function toNetlify(route: Route): (req: Request, context: Context) => Promise<Response> {
  markDeployed();
  return (req, context) => invoke(route, req, context.ip ?? null);
}

/**
 * A Netlify scheduled function: no request to answer, so its outcome (the counts `run` returns,
 * or the error) goes to the log. Marked deployed, as the route adapters are.
 */
export function toNetlifyScheduled(name: string, run: () => Promise<Record<string, unknown>>): () => Promise<Response> {
  markDeployed();
  return async () => {
    const started = performance.now();
    try {
      const counts = await run();
      log('info', 'scheduled', { route: name, ms: Math.round(performance.now() - started), ...counts });
    } catch (err) {
      log('error', 'scheduled', { route: name, error: describeThrown(err) });
    }
    return new Response(null, { status: 204 });
  };
}
