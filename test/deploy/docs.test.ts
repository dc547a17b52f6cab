import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../build/functions.js';
import { handledEventTypes, selectableEventTypes } from '../../lib/webhook/dispatch.js';
import { STRIPE_API_VERSION } from '../../lib/stripe/client.js';

// The deploy guide's event list and API version come from the code; this keeps them in step.
const guide = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
const listed = guide.match(/EVENTS="\n([\s\S]*?)\n"/)?.[1]?.split('\n').filter(Boolean) ?? [];

describe('docs/deploy.md', () => {
  it('lists exactly the selectable event types the dispatcher handles (thin v2 types named apart)', () => {
    expect(listed).toEqual([...selectableEventTypes]);
    for (const t of handledEventTypes.filter((x) => x.startsWith('v2.'))) expect(guide).toContain(t);
  });

  it('README names every event type the webhook handles', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const t of handledEventTypes) expect(readme, t).toContain(`\`${t}\``);
  });

  it('pins the webhook endpoints to the SDK API version', () => {
    expect(guide.match(/api_version=(\S+)/g)).toEqual([`api_version=${STRIPE_API_VERSION}`, `api_version=${STRIPE_API_VERSION}`]);
  });
});
