import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export type Platform = 'netlify' | 'vercel';

export interface FunctionEntry {
  platform: Platform;
  /** Unique per platform: `create-checkout-session`, `admin/events/[id]/replay`. */
  name: string;
  /** Absolute path of the source file. */
  file: string;
}

/** The project root: this file lives in `build/`. */
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/**
 * Every deployable function present in the tree, discovered rather than listed so that routes
 * added later are covered: `netlify/functions/*.ts` (v2, one level, as Netlify scans it, plus
 * `name/index.ts` or `name/name.ts` folders) and `api/**\/*.ts` (Vercel maps every file).
 */
export function discoverFunctions(root = ROOT): FunctionEntry[] {
  return [...netlifyFunctions(root), ...vercelFunctions(root)];
}

function netlifyFunctions(root: string): FunctionEntry[] {
  const dir = path.join(root, 'netlify/functions');
  const out: FunctionEntry[] = [];
  for (const item of safeReaddir(dir)) {
    const full = path.join(dir, item);
    if (statSync(full).isDirectory()) {
      const main = ['index.ts', `${item}.ts`, 'index.mts', `${item}.mts`]
        .map((f) => path.join(full, f))
        .find((f) => safeIsFile(f));
      if (main) out.push({ platform: 'netlify', name: item, file: main });
    } else if (/\.m?ts$/.test(item) && !item.endsWith('.d.ts')) {
      out.push({ platform: 'netlify', name: item.replace(/\.m?ts$/, ''), file: full });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function vercelFunctions(root: string): FunctionEntry[] {
  const dir = path.join(root, 'api');
  const out: FunctionEntry[] = [];
  const walk = (sub: string) => {
    for (const item of safeReaddir(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${item}` : item;
      const full = path.join(dir, rel);
      if (statSync(full).isDirectory()) walk(rel);
      // Vercel ignores files and folders starting with `_` or `.` inside api/.
      else if (/\.m?ts$/.test(item) && !item.endsWith('.d.ts') && !/^[_.]/.test(item)) {
        out.push({ platform: 'vercel', name: rel.replace(/\.m?ts$/, ''), file: full });
      }
    }
  };
  walk('');
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => !f.startsWith('.'));
  } catch {
    return [];
  }
}

function safeIsFile(f: string): boolean {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}

/** Source paths no deployed function may contain. */
export const FORBIDDEN = [/(^|\/)local\//, /(^|\/)test\//, /stripe-emulator/, /(^|\/)bench\//];

/** Project-relative (or node_modules-relative) path, with forward slashes. */
export function rel(file: string, root = ROOT): string {
  return path.relative(root, file).split(path.sep).join('/');
}

export function isForbidden(relPath: string): boolean {
  // Only the project's own folders count: a package may well have a `test/` folder of its own.
  if (relPath.includes('node_modules/')) return false;
  return FORBIDDEN.some((re) => re.test(relPath));
}
