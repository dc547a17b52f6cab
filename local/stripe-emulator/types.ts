// Stripe objects are plain JSON; a loose type keeps the builders short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StripeObject = Record<string, any>;
export type Params = Record<string, unknown>;

export interface RequestContext {
  requestId: string;
  idempotencyKey: string | null;
  account: string | null;
}

export const NO_REQUEST: RequestContext = { requestId: '', idempotencyKey: null, account: null };
