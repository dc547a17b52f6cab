import Stripe from 'stripe';
import { Pool } from 'undici';

export interface Signed {
  type: string;
  body: string;
  signature: string;
}

/** Signed ahead of the timed run: signing is Stripe's cost, not ours. */
export function sign(events: Array<Record<string, any>>, secret: string): Signed[] {
  const timestamp = Math.floor(Date.now() / 1000);
  return events.map((e) => {
    const body = JSON.stringify(e, null, 2);
    return { type: e.type, body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
  });
}

// The server closes idle keep-alive sockets after 5 s (pgbench runs between levels); a request
// racing that close fails at the transport and is sent again, as Stripe would.
export async function post(url: string, e: Signed): Promise<{ status: number; body: string }> {
  return send(url, e).catch(() => send(url, e));
}

async function send(url: string, e: Signed): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/api/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': e.signature },
    body: e.body,
  });
  return { status: res.status, body: await res.text() };
}

export interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  errors: number;
}

/**
 * `concurrency` workers pulling from one queue, as Stripe's parallel deliveries would, each on
 * its own keep-alive connection. undici's request API rather than fetch: fetch cost the load
 * generator ~0.4 ms of CPU per request, as much as the server it measures, on the same 2 cores.
 */
export async function load(url: string, events: Signed[], concurrency: number): Promise<LoadResult> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  const latenciesMs: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < events.length) {
      const e = events[next++]!;
      const t = performance.now();
      const res = await deliver(pool, e).catch(() => deliver(pool, e)).catch((err: Error) => ({ status: 0, body: String(err.cause ?? err) }));
      latenciesMs.push(performance.now() - t);
      if (res.status !== 200) {
        if (errors++ < 3) console.error(`  ${e.type} → ${res.status} ${res.body.slice(0, 200)}`);
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { seconds, latenciesMs, errors };
}

async function deliver(pool: Pool, e: Signed): Promise<{ status: number; body: string }> {
  const res = await pool.request({
    path: '/api/webhook',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': e.signature },
    body: e.body,
  });
  return { status: res.statusCode, body: await res.body.text() };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The lower median: the middle value, or the lower of the two middle ones. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
