// Lua script shims for the local Upstash bridge. @upstash/ratelimit's scripts start with
// `#!lua flags=allow-key-locking`, which Redis 7.0 rejects as an unknown flag. We strip flags
// Redis 7.0 doesn't know, and remember original-sha1 → rewritten script because clients compute
// EVALSHA/SCRIPT LOAD hashes over the ORIGINAL text, which Redis never saw.
import { createHash } from 'node:crypto';
import type { RespReply } from './resp.js';

const REDIS_70_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

/** `#!lua flags=allow-key-locking,no-writes` → `#!lua flags=no-writes`; unflagged → `#!lua`. */
export function rewriteShebang(script: string): string {
  const m = /^#!lua([^\n]*)/.exec(script);
  if (!m || !m[1]!.trim()) return script;
  const flags = m[1]!
    .trim()
    .split(/\s+/)
    .filter((t) => t.startsWith('flags='))
    .flatMap((t) => t.slice('flags='.length).split(','))
    .filter((f) => REDIS_70_FLAGS.has(f));
  const shebang = flags.length ? `#!lua flags=${flags.join(',')}` : '#!lua';
  return shebang + script.slice(m[0].length);
}

export interface Rewritten {
  cmd: string[];
  mapReply?: (r: RespReply) => RespReply;
}

export class ScriptRegistry {
  private bySha = new Map<string, string>();

  private remember(script: string): string {
    const rewritten = rewriteShebang(script);
    if (rewritten !== script) this.bySha.set(sha1(script), rewritten);
    return rewritten;
  }

  rewrite(cmd: string[]): Rewritten {
    const name = cmd[0]!.toLowerCase();
    const [, first, ...rest] = cmd;
    if (first === undefined) return { cmd };
    if (name === 'eval' || name === 'eval_ro') return { cmd: [cmd[0]!, this.remember(first), ...rest] };
    if (name === 'evalsha' || name === 'evalsha_ro') {
      // Run mapped scripts by EVAL: works inside MULTI and pipelines, where a NOSCRIPT retry can't.
      const script = this.bySha.get(first.toLowerCase());
      if (script) return { cmd: [name === 'evalsha' ? 'EVAL' : 'EVAL_RO', script, ...rest] };
      return { cmd };
    }
    if (name === 'script' && first.toLowerCase() === 'load' && rest[0] !== undefined) {
      const original = rest[0];
      const rewritten = this.remember(original);
      if (rewritten === original) return { cmd };
      const sha = Buffer.from(sha1(original));
      return { cmd: [cmd[0]!, first, rewritten], mapReply: (r) => (Buffer.isBuffer(r) ? sha : r) };
    }
    if (name === 'script' && first.toLowerCase() === 'exists') {
      const shas = rest.map((s) => {
        const script = this.bySha.get(s.toLowerCase());
        return script ? sha1(script) : s;
      });
      return { cmd: [cmd[0]!, first, ...shas] };
    }
    return { cmd };
  }
}
