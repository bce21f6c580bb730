/** The rooms of docs/architecture.md: each imports only the rooms it may (static imports, type imports included). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Room of a repository path: src/<dir>, src/<file>.ts, or a top-level folder. */
function roomOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0]!;
  return parts.length > 2 ? `src/${parts[1]}` : file;
}

const ALLOWED: Record<string, readonly string[]> = {
  'src/latent': [],
  'src/tags': [],
  'src/util': [],
  'src/gan': ['src/latent', 'src/tags', 'src/util'],
  'src/render': ['src/gan'],
  'src/store': ['src/latent'],
  'src/core': ['src/latent', 'src/tags', 'src/gan', 'src/render'],
  'src/i18n': [],
  'src/config.ts': ['src/gan'],
  'src/runtime.ts': ['src/gan', 'src/core'],
  'src/bot': ['src/core', 'src/gan', 'src/latent', 'src/render', 'src/store', 'src/i18n', 'src/runtime.ts', 'src/config.ts'],
  'src/commands': ['src/bot', 'src/core', 'src/store', 'src/tags', 'src/latent', 'src/i18n', 'src/runtime.ts'],
  'src/bot.ts': ['src/bot', 'src/commands'],
  'src/shard.ts': ['src/bot'],
  'src/cli': ['src/core', 'src/gan', 'src/latent', 'src/render', 'src/config.ts'],
  'src/cli.ts': ['src/cli', 'src/core', 'src/runtime.ts', 'src/config.ts'],
  testkit: ['src/latent', 'src/tags', 'src/gan', 'src/util'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
}

describe('rooms', () => {
  it('GIVEN every source file THEN it imports only its own room and the rooms docs/architecture.md allows', () => {
    const wrong: string[] = [];
    for (const file of [...filesUnder('src'), ...filesUnder('testkit')]) {
      const from = roomOf(file);
      const allowed = ALLOWED[from];
      if (!allowed) {
        wrong.push(`${file}: room ${from} is not in the table`);
        continue;
      }
      for (const target of importsOf(file)) {
        const to = roomOf(target);
        if (to !== from && !allowed.includes(to)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('GIVEN the tags room THEN its files form no import cycle', () => {
    const graph = new Map(filesUnder('src/tags').map((f) => [f, importsOf(f).filter((t) => t.startsWith('src/tags/'))]));
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (f: string, trail: string[]) => {
      if (done.has(f)) return;
      if (visiting.has(f)) {
        cycles.push([...trail, f].join(' → '));
        return;
      }
      visiting.add(f);
      for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
      visiting.delete(f);
      done.add(f);
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
