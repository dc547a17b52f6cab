import * as z from 'zod/mini';
import { storeSlugSchema } from '../checkout/request.js';
import { getDb } from '../db/client.js';
import { parseWith } from '../http/body.js';
import { ApiError } from '../http/errors.js';
import { json } from '../http/respond.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { findStoreBySlug } from '../stores/queries.js';
import { listPublicProducts, publicStore } from './queries.js';

// Public and identical for every shopper, so CDNs (Vercel's and Netlify's edge honour
// s-maxage) may serve it: a popular storefront then costs the database one query a minute.
// Short lifetimes keep a price change or a store going active visible within a minute, and
// stale-while-revalidate hides the refetch from shoppers.
const CACHE_CONTROL = 'public, max-age=30, s-maxage=60, stale-while-revalidate=300';

const params = z.object({ slug: storeSlugSchema });

async function get(_req: Request, ctx: RouteContext): Promise<Response> {
  const slug = safeSlug(ctx.params);
  const db = await getDb();
  const store = slug ? await findStoreBySlug(db, slug) : null;
  if (!store) throw new ApiError('not_found', 'There is no such store.');
  const products = await listPublicProducts(db, store.accountId);
  return json({ store: publicStore(store), products }, 200, { 'cache-control': CACHE_CONTROL });
}

// A malformed slug cannot name a store: the answer is the same 404 as for an unknown one.
function safeSlug(p: Record<string, string>): string | null {
  try {
    return parseWith(params, p).slug;
  } catch {
    return null;
  }
}

export const storefrontRoute = defineRoute({ path: '/api/stores/:slug', methods: { GET: get } });
