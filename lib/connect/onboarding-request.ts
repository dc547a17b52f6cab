import * as z from 'zod/mini';
import { readIdempotencyKey } from '../checkout/request.js';
import { parseWith, readBody, type BodyKind } from '../http/body.js';

// Countries where Stripe lets a platform create Express accounts (stripe.com/global, Connect
// "cross-border payouts" aside). A code outside this list would only fail later at Stripe.
export const SELLER_COUNTRIES = new Set([
  'AE', 'AT', 'AU', 'BE', 'BG', 'BR', 'CA', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR',
  'GB', 'GI', 'GR', 'HK', 'HR', 'HU', 'IE', 'IN', 'IT', 'JP', 'LI', 'LT', 'LU', 'LV', 'MT', 'MX',
  'MY', 'NL', 'NO', 'NZ', 'PL', 'PT', 'RO', 'SE', 'SG', 'SI', 'SK', 'TH', 'US',
]);

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const onboardingBodySchema = z.object({
  storeName: z.string().check(z.trim(), z.minLength(2), z.maxLength(80)),
  email: z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email().check(z.maxLength(254))),
  // ISO 3166-1 alpha-2; "us" from a hand-written form is accepted and normalised.
  country: z
    .string()
    .check(
      z.trim(),
      z.toUpperCase(),
      z.refine((c) => SELLER_COUNTRIES.has(c), 'must be an ISO 3166 alpha-2 code of a country Stripe supports for sellers'),
    ),
  businessType: z.pipe(z.transform(blankToUndefined), z.optional(z.enum(['individual', 'company', 'non_profit']))),
});

export type OnboardingBody = z.output<typeof onboardingBodySchema>;

export interface OnboardingRequest extends OnboardingBody {
  kind: BodyKind;
  idempotencyKey: string | null;
}

export async function parseOnboardingRequest(req: Request): Promise<OnboardingRequest> {
  const idempotencyKey = readIdempotencyKey(req);
  const { kind, data } = await readBody(req, 16 * 1024);
  return { ...parseWith(onboardingBodySchema, data), kind, idempotencyKey };
}
