// Local stand-in for Upstash Redis' REST API, backed by a real Redis, so the real @upstash/redis
// and @upstash/ratelimit clients run unchanged in tests and `npm run dev`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RespError, RespPool, RespStatus, type RespConnection, type RespReply } from './resp.js';
import { ScriptRegistry, type Rewritten } from './upstash-scripts.js';

export interface UpstashBridge {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export interface UpstashBridgeOptions {
  port?: number;
  host?: string;
  redisHost?: string;
  redisPort?: number;
  token?: string;
}

// Commands that leave per-connection state behind; such connections are not returned to the pool.
const STATEFUL = new Set(['select', 'watch', 'multi', 'subscribe', 'psubscribe', 'ssubscribe', 'monitor', 'client', 'hello', 'auth', 'reset', 'readonly']);

class BadRequest extends Error {}

/** JSON argument → Redis argument: the client sends numbers/booleans with their JSON types. */
function toArg(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function toCommand(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new BadRequest('ERR command must be a non-empty JSON array');
  return v.map(toArg);
}

/**
 * RESP reply → JSON. With base64, every string is base64 except a top-level "OK" status: the
 * client's decode() passes a top-level "OK" through untouched but base64-decodes every string
 * inside arrays, and would garble a plain "PONG"/"QUEUED".
 */
function toJson(r: RespReply, b64: boolean, top = true): unknown {
  const str = (s: string) => (b64 ? Buffer.from(s, 'utf8').toString('base64') : s);
  if (r === null || typeof r === 'number') return r;
  if (Buffer.isBuffer(r)) return b64 ? r.toString('base64') : r.toString('utf8');
  if (r instanceof RespStatus) return top && r.value === 'OK' ? 'OK' : str(r.value);
  if (r instanceof RespError) return str(r.message);
  return r.map((x) => toJson(x, b64, false));
}

const entry = (r: RespReply, b64: boolean) =>
  r instanceof RespError ? { error: r.message } : { result: toJson(r, b64) };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function startUpstashBridge(opts: UpstashBridgeOptions = {}): Promise<UpstashBridge> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? 'local-upstash-token';
  const pool = new RespPool(opts.redisHost ?? '127.0.0.1', opts.redisPort ?? 6379);
  const scripts = new ScriptRegistry();

  async function run(cmds: string[][], transaction: boolean): Promise<RespReply[]> {
    const rewritten: Rewritten[] = cmds.map((c) => scripts.rewrite(c));
    const wire = rewritten.map((r) => r.cmd);
    const reusable = !cmds.some((c) => STATEFUL.has(c[0]!.toLowerCase()));
    return pool.use(async (conn: RespConnection) => {
      let replies: RespReply[];
      if (transaction) {
        const all = await conn.send([['MULTI'], ...wire, ['EXEC']]);
        const exec = all[all.length - 1]!;
        if (exec instanceof RespError) {
          const queued = all.slice(1, -1).find((r) => r instanceof RespError) as RespError | undefined;
          throw new BadRequest(queued ? `${exec.message} (${queued.message})` : exec.message);
        }
        if (!Array.isArray(exec)) throw new BadRequest('ERR transaction aborted');
        replies = exec;
      } else {
        replies = await conn.send(wire);
      }
      return replies.map((r, i) => rewritten[i]?.mapReply?.(r) ?? r);
    }, reusable);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'Unauthorized' });
    const b64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const { pathname } = new URL(req.url ?? '/', 'http://bridge');
    const raw = await readBody(req);
    const json = () => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw new BadRequest('ERR request body is not valid JSON');
      }
    };

    if (pathname === '/pipeline' || pathname === '/multi-exec') {
      const body = json();
      if (!Array.isArray(body) || body.length === 0) throw new BadRequest('ERR expected a non-empty array of commands');
      const replies = await run(body.map(toCommand), pathname === '/multi-exec');
      return send(res, 200, replies.map((r) => entry(r, b64)));
    }
    // `POST /` takes a JSON command; `/set/k/v` style puts it in the path, a POST body being the last argument.
    const cmd =
      pathname === '/'
        ? toCommand(json())
        : [...pathname.slice(1).split('/').map(decodeURIComponent), ...(raw ? [raw] : [])];
    const [reply] = await run([cmd], false);
    const out = entry(reply ?? null, b64);
    return send(res, 'error' in out ? 400 : 200, out);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) send(res, e instanceof BadRequest ? 400 : 500, { error: msg });
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        token,
        port,
        close: () =>
          new Promise<void>((done) => {
            pool.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
