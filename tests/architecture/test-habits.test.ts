/**
 * Habits the suite itself must keep to pass on a loaded 2-core machine (issue 30, item 1):
 * a child process run synchronously inside a test blocks the vitest fork's event loop, and a
 * fork quiet for 60 s misses vitest's fixed RPC deadline, so the run exits 1 although every
 * test passed. Test files run their child processes with testkit/run-process.ts instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function testFiles(): string[] {
  return readdirSync(path.join(ROOT, 'tests'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

describe('test habits', () => {
  it('GIVEN every test file THEN none runs a child process synchronously (spawnSync, execSync, execFileSync)', () => {
    const offenders = testFiles().filter((f) => /\b(spawnSync|execSync|execFileSync)\s*\(/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
