import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const shipped = ['api', 'netlify', 'lib'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// local/ (emulator, relay, bridge, dev server) and test/ are laptop tooling: shipped code must
// never reach them, or a deployment would carry the emulator.
describe('shipped code boundaries', () => {
  const files = shipped.flatMap(sources);

  it('finds the shipped sources', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)('%s imports nothing from local/ or test/', (file) => {
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    const resolved = specifiers
      .filter((s) => s.startsWith('.'))
      .map((s) => path.relative(process.cwd(), path.resolve(path.dirname(file), s)));
    expect(resolved.filter((p) => p.startsWith('local') || p.startsWith('test'))).toEqual([]);
  });

  // A Node adapter may hand the body over already read (bufferedRequest): only lib/http/body.ts
  // knows where to find it, so every route reads its body through it.
  it('reads request bodies only through lib/http/body.ts', () => {
    const readers = files.filter((f) => /\b(req|request)\.(body\b|text\(|json\(|arrayBuffer\(|formData\(|blob\(|bytes\()/.test(readFileSync(f, 'utf8')));
    expect(readers).toEqual(['lib/http/body.ts']);
  });

  it('reads process.env only in lib/config', () => {
    const readers = files.filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')));
    expect(readers).toEqual(['lib/config/index.ts']);
  });
});
