// Minimal RESP2 client over node:net, so the local Upstash bridge adds no npm dependency.
import { connect, type Socket } from 'node:net';

/** A `+simple string` reply, kept distinct from bulk strings (Upstash leaves a bare "OK" unencoded). */
export class RespStatus {
  constructor(readonly value: string) {}
}
/** A `-ERR …` reply. Returned, not thrown, because errors can sit inside EXEC/pipeline results. */
export class RespError {
  constructor(readonly message: string) {}
}
export type RespReply = RespStatus | RespError | number | Buffer | null | RespReply[];

export function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const b = Buffer.from(arg, 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

const INCOMPLETE = Symbol('incomplete');
type Parsed = { value: RespReply; next: number } | typeof INCOMPLETE;

/** Parses one reply starting at `pos`; INCOMPLETE if more bytes are needed. */
export function parseReply(buf: Buffer, pos: number): Parsed {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return INCOMPLETE;
  const line = buf.toString('utf8', pos + 1, eol);
  const after = eol + 2;
  switch (String.fromCharCode(buf[pos]!)) {
    case '+':
      return { value: new RespStatus(line), next: after };
    case '-':
      return { value: new RespError(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: after };
      if (buf.length < after + len + 2) return INCOMPLETE;
      return { value: Buffer.from(buf.subarray(after, after + len)), next: after + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: after };
      const items: RespReply[] = [];
      let next = after;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, next);
        if (item === INCOMPLETE) return INCOMPLETE;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`RESP protocol error: unexpected byte ${buf[pos]}`);
  }
}

export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve(r: RespReply): void; reject(e: Error): void }[] = [];
  broken = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('Redis connection closed')));
  }

  static open(host: string, port: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RespConnection(socket));
      });
    });
  }

  /** Writes all commands in one go (so nothing can interleave) and resolves with their replies. */
  send(commands: readonly (readonly string[])[]): Promise<RespReply[]> {
    if (this.broken) return Promise.reject(new Error('Redis connection closed'));
    const replies = commands.map(
      () => new Promise<RespReply>((resolve, reject) => this.pending.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  close(): void {
    this.broken = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    try {
      while (pos < this.buf.length) {
        const parsed = parseReply(this.buf, pos);
        if (parsed === INCOMPLETE) break;
        pos = parsed.next;
        this.pending.shift()?.resolve(parsed.value);
      }
    } catch (e) {
      this.fail(e as Error);
      this.socket.destroy();
      return;
    }
    this.buf = this.buf.subarray(pos);
  }

  private fail(e: Error): void {
    this.broken = true;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}

/** Hands out one connection per HTTP request, so MULTI and blocking commands never interleave. */
export class RespPool {
  private idle: RespConnection[] = [];
  private all = new Set<RespConnection>();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async use<T>(fn: (conn: RespConnection) => Promise<T>, reusable = true): Promise<T> {
    let conn = this.idle.pop();
    while (conn?.broken) {
      this.discard(conn); // e.g. Redis restarted while it sat idle
      conn = this.idle.pop();
    }
    conn ??= await this.open();
    try {
      return await fn(conn);
    } finally {
      if (reusable && !conn.broken) this.idle.push(conn);
      else this.discard(conn);
    }
  }

  close(): void {
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle = [];
  }

  private async open(): Promise<RespConnection> {
    const conn = await RespConnection.open(this.host, this.port);
    this.all.add(conn);
    return conn;
  }

  private discard(conn: RespConnection): void {
    conn.close();
    this.all.delete(conn);
  }
}
