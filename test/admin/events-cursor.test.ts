import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEventsRoute } from '../../lib/admin/events-route.js';
import { encodeCursor } from '../../lib/admin/pagination.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, driver, insertEvents } from './support.js';

describe('admin events cursor', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ driver });
  });
  afterAll(() => app.stop());

  it.each([
    ['month 13', '2024-13-01T00:00:00.000000Z'],
    ['day 45', '2024-01-45T00:00:00.000000Z'],
    ['hour 99', '2024-01-01T99:00:00.000000Z'],
  ])('events cursor with a well-shaped but impossible timestamp (%s) → 400, not a Postgres 500', async (_n, at) => {
    await insertEvents(app.db, 1);
    const cursor = encodeCursor({ at, id: 'evt_test_0000000000000000' });
    const res = await app.call(adminEventsRoute, `/api/admin/events?cursor=${cursor}`, bearer());
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(JSON.parse(text).error.code).toBe('invalid_request');
  });
});
