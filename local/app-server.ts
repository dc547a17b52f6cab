import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { bufferedRequest, MAX_BODY_BYTES } from '../lib/http/body.js';
import { invoke, matchPath, type Route } from '../lib/http/route.js';
import { errorResponse } from '../lib/http/respond.js';
import { ApiError } from '../lib/http/errors.js';
import { routeTable } from '../lib/routes.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type ExtraHandler = (req: Request) => Promise<Response | null>;

/** Serves public/ and every /api route through lib's route table, as the platforms would. */
export async function startAppServer(opts: { port?: number; host?: string; publicDir?: string; extra?: ExtraHandler } = {}): Promise<AppServer> {
  const publicDir = path.resolve(opts.publicDir ?? 'public');
  const loaded = new Map<string, Promise<Route>>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('dev server error', err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const request = await toRequest(req);
    const { pathname } = new URL(request.url);
    const extra = opts.extra ? await opts.extra(request) : null;
    if (extra) return send(res, extra);
    if (pathname.startsWith('/api/')) {
      let entry;
      try {
        entry = routeTable.find((r) => matchPath(r.path, pathname));
      } catch (err) {
        return send(res, errorResponse(err)); // a malformed path: 400 in the contract's shape
      }
      if (!entry) return send(res, errorResponse(new ApiError('not_found', `No route ${pathname}.`)));
      if (!loaded.has(entry.path)) loaded.set(entry.path, entry.load());
      const route = await loaded.get(entry.path)!;
      return send(res, await invoke(route, request, req.socket.remoteAddress ?? null));
    }
    return send(res, await serveStatic(publicDir, pathname));
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 3000, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host === '0.0.0.0' ? 'localhost' : (opts.host ?? '127.0.0.1')}:${port}`,
    port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function toRequest(req: IncomingMessage): Promise<Request> {
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((item) => headers.append(k, item));
    else if (v !== undefined) headers.set(k, v);
  }
  if (req.method === 'GET' || req.method === 'HEAD') return new Request(url, { method: req.method, headers });
  // Read into one Buffer and handed to lib's body reader as it is: a web stream around the
  // socket (Readable.toWeb), or even around the Buffer, costs more CPU per request than a
  // small webhook's own work. See bench/README.md.
  return bufferedRequest(url, { method: req.method, headers }, await readBody(req));
}

/**
 * The body, but never more than one byte past the largest body any route accepts: the route's
 * own limit (readRawBody) then answers 413, and the rest of an oversized upload is drained
 * without being kept.
 */
function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData).off('end', onEnd).off('error', reject);
        req.resume(); // discard the rest
        resolve(Buffer.concat(chunks, size).subarray(0, limit + 1));
      }
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === 'set-cookie') return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  // A view on the body's ArrayBuffer (no copy); headers and body leave in one write.
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.writeHead(response.status, headers);
  res.end(body);
}

async function serveStatic(root: string, pathname: string): Promise<Response> {
  let rel = decodeURIComponent(pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(root + path.sep)) return new Response('Not found', { status: 404 });
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    const body = await readFile(file);
    return new Response(body, {
      headers: { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' },
    });
  } catch {
    return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  }
}
