import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../build/functions.js';
import { handledEventTypes } from '../../lib/webhook/dispatch.js';
import { STRIPE_API_VERSION } from '../../lib/stripe/client.js';

// The deploy guide's event list and API version come from the code; this keeps them in step.
const guide = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
const listed = guide.match(/EVENTS="\n([\s\S]*?)\n"/)?.[1]?.split('\n').filter(Boolean) ?? [];

describe('docs/deploy.md', () => {
  it('lists exactly the event types the webhook dispatcher handles (v1 types; thin v2 types named apart)', () => {
    const v1 = handledEventTypes.filter((t) => !t.startsWith('v2.'));
    expect(listed).toEqual([...v1].sort());
    for (const t of handledEventTypes.filter((x) => x.startsWith('v2.'))) expect(guide).toContain(t);
  });

  it('pins the webhook endpoints to the SDK API version', () => {
    expect(guide.match(/api_version=(\S+)/g)).toEqual([`api_version=${STRIPE_API_VERSION}`, `api_version=${STRIPE_API_VERSION}`]);
  });
});
