// Local stand-in for Neon's WebSocket proxy: lets the real @neondatabase/serverless Pool/Client
// talk to a plain local Postgres. Protocol: GET /v1?address=host:port upgraded to a WebSocket,
// then raw Postgres wire bytes in binary messages, both ways.
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface NeonRelay {
  port: number;
  host: string;
  /** For `neonConfig.wsProxy`: `127.0.0.1:<port>/v1`, no scheme. */
  wsProxy: string;
  close(): Promise<void>;
}

/** Settings to assign onto `neonConfig` (plus `webSocketConstructor = ws` on Node 20). */
export function neonLocalConfig(wsProxy: string) {
  return {
    wsProxy,
    // The relay speaks plain ws://, not wss://.
    useSecureWebSocket: false,
    // pipelineTLS sends a TLS ClientHello before Postgres asks for it; local Postgres has no TLS here.
    pipelineTLS: false,
    // pipelineConnect assumes cleartext-password auth and sends the password unprompted; against a
    // SCRAM server that surfaces as "invalid SASL mechanism".
    pipelineConnect: false as const,
  };
}

/** Parses `host:port` / `[v6]:port`; returns null unless the host is loopback. */
function loopbackTarget(address: string | null): { host: string; port: number } | null {
  if (!address) return null;
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
  if (!m || !LOOPBACK.has(m[1]!)) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function pipe(ws: WebSocket, tcp: Socket): void {
  tcp.on('data', (chunk) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  });
  ws.on('message', (data) => {
    tcp.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  const closeWs = () => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
  };
  tcp.on('close', closeWs);
  tcp.on('error', () => ws.terminate());
  ws.on('close', () => tcp.destroy());
  ws.on('error', () => tcp.destroy());
}

export function startNeonRelay(opts: { port?: number; host?: string } = {}): Promise<NeonRelay> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
  });
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<Socket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (url.pathname !== '/v1') return refuse(socket, 404, 'Not Found');
    const target = loopbackTarget(url.searchParams.get('address'));
    if (!target) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tcp = connect(target.port, target.host);
      tcp.setNoDelay(true);
      sockets.add(tcp);
      tcp.on('close', () => sockets.delete(tcp));
      pipe(ws, tcp);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        host,
        wsProxy: `${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            for (const c of wss.clients) c.terminate();
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
