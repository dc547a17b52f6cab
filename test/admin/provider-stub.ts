import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** A local stand-in for Resend's REST API: answers with `status`, records what it received. */
export async function startProviderStub(opts: { status?: number; delayMs?: number } = {}) {
  const requests: ProviderRequest[] = [];
  const stub = { url: '', requests, status: opts.status ?? 200, delayMs: opts.delayMs ?? 0, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      const n = requests.length;
      setTimeout(() => {
        const ok = stub.status < 300;
        res.writeHead(stub.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { id: `msg_${n}` } : { statusCode: stub.status, name: 'internal_server_error', message: 'stand-in failure' }));
      }, stub.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return stub;
}
