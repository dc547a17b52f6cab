import type { Context } from '@netlify/functions';
import { invoke, type Route } from '../http/route.js';

// Netlify v2: a default-exported (Request, Context) function; `context.ip` is the client.
export function toNetlify(route: Route): (req: Request, context: Context) => Promise<Response> {
  return (req, context) => invoke(route, req, context.ip ?? null);
}
