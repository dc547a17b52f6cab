import * as z from 'zod/mini';

// The shape of a price id, apart from price-lookup.ts so that routes which only validate ids
// (the storefront, through checkout/request.ts) do not load the Stripe SDK.
export const priceIdSchema = z.string().check(z.regex(/^price_[A-Za-z0-9_]{1,200}$/, 'must look like price_…'));
