import type { DeliveryQueue } from './delivery.js';

export interface ControlResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function json(status: number, value: unknown): ControlResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(body || '{}') as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface ControlHooks {
  queue: DeliveryQueue;
  setWebhook(url: string | null, secret?: string, connectSecret?: string): void;
  completeCheckoutSession(id: string, outcome: 'paid' | 'declined' | 'delayed'): Promise<void>;
  completeOnboarding(accountId: string): Promise<void>;
}

/** `/_emulator/*`: lets another process (dev server, browser test) steer the emulator. */
export async function handleControl(hooks: ControlHooks, method: string, path: string, body: string): Promise<ControlResponse> {
  const data = parseJson(body);
  if (method === 'GET' && path === '/_emulator/deliveries') return json(200, { deliveries: hooks.queue.deliveries });
  if (method !== 'POST') return json(404, { error: 'not found' });
  if (!data) return json(400, { error: 'body must be a JSON object' });
  if (path === '/_emulator/delivery') {
    if (typeof data.enabled !== 'boolean') return json(400, { error: '`enabled` must be a boolean' });
    hooks.queue.enabled = data.enabled;
    return json(200, { enabled: data.enabled });
  }
  if (path === '/_emulator/webhook') {
    const url = typeof data.url === 'string' ? data.url : null;
    hooks.setWebhook(url, data.secret as string | undefined, data.connectSecret as string | undefined);
    return json(200, { url });
  }
  const checkout = /^\/_emulator\/checkout\/([^/]+)\/complete$/.exec(path);
  if (checkout) {
    const outcome = (data.outcome as 'paid' | 'declined' | 'delayed' | undefined) ?? 'paid';
    await hooks.completeCheckoutSession(checkout[1]!, outcome);
    return json(200, { ok: true });
  }
  const onboard = /^\/_emulator\/accounts\/([^/]+)\/onboard$/.exec(path);
  if (onboard) {
    await hooks.completeOnboarding(onboard[1]!);
    return json(200, { ok: true });
  }
  return json(404, { error: 'not found' });
}
