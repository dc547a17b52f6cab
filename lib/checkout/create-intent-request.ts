import * as z from 'zod/mini';
import { priceIdSchema } from '../catalogue/price-lookup.js';
import { parseWith, readBody } from '../http/body.js';
import { ApiError } from '../http/errors.js';
import { readIdempotencyKey, storeSlugSchema } from './request.js';

// Unknown keys (an `amount`, a `currency`, a `fee`) are stripped by zod's default object mode:
// what the shopper pays is computed from Stripe's prices, never read from the request.
export const createIntentBodySchema = z.object({
  items: z
    .array(
      z.object({
        priceId: priceIdSchema,
        quantity: z._default(z.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(99)), 1),
      }),
    )
    .check(
      z.minLength(1),
      z.maxLength(20),
      z.refine((items) => new Set(items.map((i) => i.priceId)).size === items.length, 'list each price once'),
    ),
  store: z.optional(storeSlugSchema),
  email: z.optional(z.email().check(z.maxLength(254))),
});

export type CreateIntentBody = z.output<typeof createIntentBodySchema>;

export interface CreateIntentRequest extends CreateIntentBody {
  idempotencyKey: string | null;
}

/** A custom Elements checkout sends JSON; a list of items has no sensible form encoding. */
export async function parseCreateIntentRequest(req: Request): Promise<CreateIntentRequest> {
  const idempotencyKey = readIdempotencyKey(req);
  const { kind, data } = await readBody(req, 16 * 1024);
  if (kind !== 'json') throw new ApiError('unsupported_media_type', 'Send the items as application/json.');
  return { ...parseWith(createIntentBodySchema, data), idempotencyKey };
}
