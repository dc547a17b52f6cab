// One error type and one code→status table; the edge catches and renders it once.
const statusByCode = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_signature: 400,
  unknown_price: 400,
  price_inactive: 400,
  price_not_allowed: 400,
  unknown_store: 400,
  unauthorized: 401,
  forbidden_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  store_not_active: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  stripe_error: 502,
  not_configured: 503,
  invalid_configuration: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof statusByCode;

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { fields?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = statusByCode[code];
  }
}

/**
 * The error and the `cause`s drivers wrap it in (drizzle around pg, fetch around the socket),
 * outermost first and at most five deep: where a database code or a connection failure hides.
 * A WebSocket `ErrorEvent` (the Neon driver's failed connect) holds its error in `error`.
 */
export function* errorChain(err: unknown): Generator<{ code?: unknown; message?: unknown }> {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown; error?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    yield e;
    e = (e.cause ?? e.error) as typeof e;
  }
}

/** Class and message of what was thrown, for a log line: never other fields (connection details). */
export function describeThrown(err: unknown, limit = 300): string {
  const e = err instanceof Error ? err : [...errorChain(err)].find((x) => x instanceof Error);
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, limit);
  return 'non-error thrown';
}
