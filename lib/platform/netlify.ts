import type { Context } from '@netlify/functions';
import { invoke, type Route } from '../http/route.js';
import { markDeployed } from './deployed.js';

// Netlify v2: a default-exported (Request, Context) function; `context.ip` is the client.
export function toNetlify(route: Route): (req: Request, context: Context) => Promise<Response> {
  markDeployed();
  return (req, context) => invoke(route, req, context.ip ?? null);
}
