export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toJSON(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { type: this.type, message: this.message };
    if (this.code) error.code = this.code;
    if (this.param) error.param = this.param;
    if (this.code) error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    return { error: { ...error, ...this.extra } };
  }
}

export function missingResource(kind: string, id: string, param = 'id'): ApiError {
  return new ApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param);
}

export function missingParam(param: string): ApiError {
  return new ApiError(400, 'invalid_request_error', `Missing required param: ${param}.`, 'parameter_missing', param);
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid'): ApiError {
  return new ApiError(400, 'invalid_request_error', message, code, param);
}

export function notFoundRoute(method: string, path: string): ApiError {
  return new ApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
}

/** A referenced id in the request body that does not exist: Stripe answers 400, not 404. */
export function missingReference(kind: string, id: string, param: string): ApiError {
  return new ApiError(400, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param);
}
