import { createHmac } from 'node:crypto';
import { nowSeconds } from './ids.js';

/** Stripe's scheme: HMAC-SHA256 over "t.payload", keyed with the whsec_ secret as-is. */
export function signPayload(payload: string, secret: string, timestamp = nowSeconds()): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export function serializeEvent(event: unknown): string {
  return JSON.stringify(event, null, 2);
}
