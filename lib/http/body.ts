import { safeParse, type $ZodType, type output } from 'zod/v4/core';
import { ApiError, type FieldError } from './errors.js';
import { useEnglishMessages } from './zod-messages.js';

export const MAX_BODY_BYTES = 1024 * 1024;

// Bodies that a Node adapter (local/app-server) has already read into memory, handed over
// with the Request instead of wrapped in a web stream for readRawBody to read back: on a
// webhook, that stream cost more CPU than checking the signature (bench/README.md). Every
// request body in lib is read here, so nothing else looks for it on `req.body`.
const buffered = new WeakMap<Request, Buffer>();

/** A Request whose body is already in memory (`init` carries no body). */
export function bufferedRequest(url: string, init: RequestInit, body: Buffer): Request {
  const req = new Request(url, init);
  buffered.set(req, body);
  return req;
}

/** Reads the raw body, refusing more than `limit` bytes without buffering all of it. */
export async function readRawBody(req: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const inMemory = buffered.get(req);
  if (inMemory) {
    if (inMemory.byteLength > limit) throw tooLarge(limit);
    return inMemory.toString('utf8');
  }
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type BodyKind = 'json' | 'form';

/** The body as a plain object, from JSON or an HTML form post; anything else is a 415. */
export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<{ kind: BodyKind; data: unknown }> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
    throw new ApiError('unsupported_media_type', 'Send application/json or application/x-www-form-urlencoded.');
  }
  const text = await readRawBody(req, limit);
  if (type === 'application/x-www-form-urlencoded') {
    return { kind: 'form', data: Object.fromEntries(new URLSearchParams(text)) };
  }
  try {
    return { kind: 'json', data: JSON.parse(text) };
  } catch {
    throw new ApiError('invalid_json', 'The request body is not valid JSON.');
  }
}

/** Any zod 4 schema, classic or zod/mini; a failure is a 400 naming every field at fault. */
export function parseWith<T extends $ZodType>(schema: T, data: unknown): output<T> {
  useEnglishMessages();
  const result = safeParse(schema, data);
  if (result.success) return result.data;
  const fields: FieldError[] = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  const names = [...new Set(fields.map((f) => f.path))].join(', ');
  throw new ApiError('invalid_request', `Invalid fields: ${names}.`, { fields });
}

export function parseQuery<T extends $ZodType>(req: Request, schema: T): output<T> {
  return parseWith(schema, Object.fromEntries(new URL(req.url).searchParams));
}

function tooLarge(limit: number): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than ${limit} bytes.`);
}
