import * as z from 'zod/mini';
import { priceIdSchema } from '../catalogue/price-id.js';
import { readBody, parseWith, type BodyKind } from '../http/body.js';
import { ApiError } from '../http/errors.js';

/** Our routes take a price id, a quantity and a store slug: a few hundred bytes at most. */
export const CHECKOUT_BODY_LIMIT = 16 * 1024;

// Form posts send every value as a string: a whole number in digits becomes a number, and
// anything else ("two", "1.5") is left for the schema to refuse.
const digits = (v: unknown) => (typeof v === 'string' && /^\d{1,3}$/.test(v.trim()) ? Number(v) : v);
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const storeSlugSchema = z.string().check(z.regex(/^[a-z0-9](?:[a-z0-9-]{0,62})$/, 'must be a store slug (a-z, 0-9, -)'));

export const checkoutBodySchema = z.object({
  priceId: priceIdSchema,
  quantity: z._default(z.pipe(z.transform(digits), z.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(99))), 1),
  store: z.pipe(z.transform(blankToUndefined), z.optional(storeSlugSchema)),
});

export type CheckoutBody = z.output<typeof checkoutBodySchema>;

export interface CheckoutRequest extends CheckoutBody {
  kind: BodyKind;
  idempotencyKey: string | null;
}

// Stripe accepts keys up to 255 characters; we allow printable ASCII only so the key can be
// logged and forwarded as a header without surprises.
const idempotencyKeySchema = z.string().check(z.regex(/^[\x20-\x7e]{1,255}$/), z.refine((k) => k.trim() !== ''));

export function readIdempotencyKey(req: Request): string | null {
  const raw = req.headers.get('idempotency-key');
  if (raw === null) return null;
  if (!idempotencyKeySchema.safeParse(raw).success) {
    throw new ApiError('invalid_request', 'Idempotency-Key must be 1–255 printable ASCII characters.', {
      fields: [{ path: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' }],
    });
  }
  return raw;
}

/** Content type, size, fields and the Idempotency-Key header: everything that needs no I/O. */
export async function parseCheckoutRequest(req: Request): Promise<CheckoutRequest> {
  const idempotencyKey = readIdempotencyKey(req);
  const { kind, data } = await readBody(req, CHECKOUT_BODY_LIMIT);
  const body = parseWith(checkoutBodySchema, data);
  return { ...body, kind, idempotencyKey };
}
