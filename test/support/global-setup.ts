import net from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: boolean;
    redis: boolean;
  }
}

// Database tests run on real Postgres and Redis when they are reachable. Locally, without
// them, the run says so in one line; in CI their absence fails the run.
export default async function setup(project: TestProject) {
  const [postgres, redis] = await Promise.all([reachable(5432), reachable(6379)]);
  const missing = [!postgres && 'Postgres (127.0.0.1:5432)', !redis && 'Redis (127.0.0.1:6379)'].filter(Boolean);
  if (missing.length) {
    const line = `${missing.join(' and ')} not reachable: tests that need them are skipped.`;
    if (process.env.CI) throw new Error(`${line} CI requires them.`);
    console.warn(`\n  ${line}\n`);
  }
  project.provide('postgres', postgres);
  project.provide('redis', redis);
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}
