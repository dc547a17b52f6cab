import { invoke, type Route } from '../http/route.js';
import { markDeployed } from './deployed.js';

// Vercel treats a default export with `fetch` as a Web handler (a bare function would be
// taken for a Node `(req, res)` handler). Every method reaches the route, so 405s are ours.
export function toVercel(route: Route): { fetch(req: Request): Promise<Response> } {
  markDeployed();
  return { fetch: (req) => invoke(route, req, clientIp(req)) };
}

function clientIp(req: Request): string | null {
  const forwarded = req.headers.get('x-forwarded-for');
  return forwarded?.split(',')[0]?.trim() || req.headers.get('x-real-ip');
}
