import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleApi } from './api.js';
import type { Emu } from './context.js';
import { handleControl, type ControlHooks } from './control.js';
import { ApiError } from './errors.js';
import { handleHosted } from './hosted/routes.js';

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function route(emu: Emu, hooks: ControlHooks, req: IncomingMessage, body: string): Promise<Reply> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', emu.baseUrl);
  const path = url.pathname;
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) return handleApi(emu, { method, url, headers: req.headers, body });
  if (path.startsWith('/_emulator/')) return handleControl(hooks, method, path, body);
  const hosted = handleHosted(emu, method, path, body);
  if (hosted) return hosted;
  if (path === '/' || path === '/health') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"emulator":"stripe"}' };
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

export function createEmulatorServer(emu: Emu, hooks: ControlHooks): Server {
  return createServer((req, res) => {
    readBody(req)
      .then((body) => route(emu, hooks, req, body))
      .then((reply) => send(res, reply))
      .catch((err: unknown) => {
        const apiErr = err instanceof ApiError ? err : new ApiError(500, 'api_error', String((err as Error)?.message ?? err));
        send(res, { status: apiErr.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(apiErr.toJSON()) });
      });
  });
}
