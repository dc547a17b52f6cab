// The floor for bench/webhook-floor.ts: the least any webhook server on this stack can do per
// event, one step at a time (FLOOR names the last step taken). Deliberately not the product:
// no dispatch, no effects, no drizzle; only what every exactly-once ingester with an event log
// must do. Same stats endpoint and pool size as bench/webhook-server.ts.
import { createServer } from 'node:http';
import pg from 'pg';
import Stripe from 'stripe';

export const floorSteps = ['http', 'verify', 'web', 'record', 'record-tx'] as const;
const step = floorSteps.indexOf(process.env.FLOOR as (typeof floorSteps)[number]);
if (step < 0) throw new Error(`FLOOR must be one of ${floorSteps.join(', ')}`);
const has = (name: (typeof floorSteps)[number]) => step >= floorSteps.indexOf(name);

const stripe = new Stripe('sk_test_floor');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
let statements = 0;

// The event row as the product's claim writes it, and nothing else.
const insert = {
  name: 'floor_record',
  text: `insert into webhook_events (id, type, account_id, api_version, stripe_created, payload, status, attempts, processed_at)
    values ($1, $2, $3, $4, $5, $6, 'processed', 1, now()) on conflict (id) do nothing`,
};

async function record(event: Stripe.Event, raw: string): Promise<void> {
  const values = [event.id, event.type, event.account ?? null, event.api_version, event.created, raw];
  if (!has('record-tx')) {
    statements++;
    await pool.query({ ...insert, values });
    return;
  }
  const client = await pool.connect();
  try {
    statements += 3;
    await client.query('BEGIN');
    await client.query({ ...insert, values });
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function answer(headers: Record<string, string | string[] | undefined>, url: string, raw: string): Promise<{ status: number; body: Buffer | string }> {
  if (url === '/__bench/stats') {
    const cpu = process.cpuUsage();
    return { status: 200, body: JSON.stringify({ statements, cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }) };
  }
  let signature = headers['stripe-signature'] as string;
  if (has('web')) {
    const h = new Headers();
    for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') h.set(k, v);
    signature = new Request(`http://localhost${url}`, { method: 'POST', headers: h }).headers.get('stripe-signature')!;
  }
  if (has('verify')) {
    const event = await stripe.webhooks.constructEventAsync(raw, signature, process.env.STRIPE_WEBHOOK_SECRET!);
    if (has('record')) await record(event, raw);
  }
  const body = { status: 'processed' };
  if (!has('web')) return { status: 200, body: JSON.stringify(body) };
  const response = Response.json(body);
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
    answer(req.headers, req.url ?? '/', Buffer.concat(chunks).toString('utf8')).then(
      ({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(body),
      (err: Error) => res.writeHead(500).end(String(err.message)),
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
