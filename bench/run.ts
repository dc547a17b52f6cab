// `npm run bench -- <name> [options]`: one small dispatcher, each benchmark in its own module.
const benches: Record<string, () => Promise<(argv: string[]) => Promise<void>>> = {
  cold: async () => (await import('./cold.js')).runCold,
  webhook: async () => (await import('./webhook.js')).runWebhook,
  'webhook-ab': async () => (await import('./webhook-ab.js')).runWebhookAb,
  'webhook-floor': async () => (await import('./webhook-floor.js')).runWebhookFloor,
};

const [which, ...rest] = process.argv.slice(2);
const load = which ? benches[which] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
await (await load())(rest);

export {};
