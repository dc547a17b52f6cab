import { ApiError } from '../http/errors.js';

/** Stripe's event ids, and what a cursor may carry. */
export const EVENT_ID = /^[\w.-]{1,255}$/;

/** An event id from the path; anything no event id looks like (a NUL byte Postgres refuses) is a 404. */
export function storedEventId(id: string | undefined): string {
  if (!id || !EVENT_ID.test(id)) throw new ApiError('not_found', 'No stored event has that id.');
  return id;
}
