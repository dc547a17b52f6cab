import { createHash, timingSafeEqual } from 'node:crypto';
import { requireConfig } from '../config/index.js';
import { ApiError } from '../http/errors.js';

/**
 * Checks `Authorization: Bearer <token>` against a configured secret. Both sides are hashed
 * first so `timingSafeEqual` compares equal lengths and the token's length does not leak.
 * An unset secret is a 503 naming the variable, checked before the header so an operator
 * sees the configuration problem rather than a 401.
 */
export function requireBearer(req: Request, secretName: 'ADMIN_TOKEN' | 'CRON_SECRET'): void {
  const expected = requireConfig(secretName);
  const header = req.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !safeEqual(match[1]!, expected)) {
    throw new ApiError('unauthorized', 'A valid bearer token is required.', {
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
}

export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
