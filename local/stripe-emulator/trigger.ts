import { buildEvent, TRIGGERABLE_EVENT_TYPES } from './build-event.js';
import { serializeEvent, signPayload } from './signing.js';

interface TriggerArgs {
  type: string;
  url: string;
  secret: string;
  account: string | undefined;
}

function parseArgs(argv: string[]): TriggerArgs | null {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) positional.push(a);
    else if (a.includes('=')) flags[a.slice(2, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    else flags[a.slice(2)] = argv[++i] ?? '';
  }
  const type = positional[0];
  if (!type) return null;
  const envSecret = process.env.STRIPE_WEBHOOK_SECRET?.split(',')[0]?.trim();
  return {
    type,
    url: flags.url ?? process.env.WEBHOOK_URL ?? 'http://localhost:3000/api/webhook',
    secret: flags.secret ?? (envSecret || 'whsec_emulator_platform'),
    account: flags.account,
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.error(`usage: npm run stripe:trigger -- <event type> [--url URL] [--secret whsec_…] [--account acct_…]\ntypes: ${TRIGGERABLE_EVENT_TYPES.join(', ')}`);
    return 2;
  }
  const event = buildEvent(args.type, args.account ? { account: args.account } : {});
  const payload = serializeEvent(event);
  const res = await fetch(args.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signPayload(payload, args.secret) },
    body: payload,
  });
  console.log(`${event.type} ${event.id} → ${args.url}`);
  console.log(`${res.status} ${await res.text()}`);
  return res.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
