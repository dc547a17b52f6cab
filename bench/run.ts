// `npm run bench -- <name> [options]`: one small dispatcher, each benchmark in its own module.
const benches: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  cold: async () => ({ run: (await import('./cold.js')).runCold }),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? benches[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
await (await load()).run(rest);
