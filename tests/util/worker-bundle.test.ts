import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnWorker } from '../../src/util/spawn-worker.ts';
import { bundledWorkerEntry } from '../../src/util/worker-bundle.ts';

const fixture = new URL('./fixtures/echo-worker.ts', import.meta.url);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'gff-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function answer(worker: ReturnType<typeof spawnWorker>): Promise<{ loud: string; quiet: string; from: string }> {
  const [msg] = (await once(worker, 'message')) as [{ loud: string; quiet: string; from: string }];
  await worker.terminate();
  return msg;
}

describe('a TypeScript worker entry run as a JavaScript bundle', () => {
  it('runs from the bundle, with its project modules, a module it imports lazily, and packages from node_modules', async () => {
    const msg = await answer(spawnWorker(fixture, { word: 'Hi' }, { bundle: true }));
    expect(msg).toMatchObject({ loud: 'HI!', quiet: '(hi)' });
    expect(fileURLToPath(msg.from)).toMatch(/node_modules[\\/]\.cache[\\/]gff-workers[\\/][0-9a-f]{16}[\\/]entry\.mjs$/);
  });

  it('is made once for the same sources: the same file, and lazily imported modules stay their own chunks', () => {
    const root = path.join(scratch, 'same');
    const first = bundledWorkerEntry(fixture, root)!;
    expect(bundledWorkerEntry(fixture, root)!.href).toBe(first.href);
    const files = readdirSync(path.dirname(fileURLToPath(first)));
    expect(files).toContain('entry.mjs');
    expect(files.some((f) => f.startsWith('whisper-'))).toBe(true);
    // No half-written folder is left beside it.
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it("removes other sources' bundles untouched for a month, and keeps recent ones (another process may run them)", () => {
    const root = path.join(scratch, 'stale');
    for (const name of ['old', 'recent']) mkdirSync(path.join(root, name), { recursive: true });
    const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(path.join(root, 'old'), longAgo, longAgo);
    const made = bundledWorkerEntry(fixture, root)!;
    expect(readdirSync(root).sort()).toEqual([path.basename(path.dirname(fileURLToPath(made))), 'recent'].sort());
  });

  it('makes the bundle again when it was removed under a running process', () => {
    const root = path.join(scratch, 'removed');
    const first = bundledWorkerEntry(fixture, root)!;
    rmSync(root, { recursive: true, force: true });
    const again = bundledWorkerEntry(fixture, root)!;
    expect(again.href).toBe(first.href);
    expect(readdirSync(path.dirname(fileURLToPath(again)))).toContain('entry.mjs');
  });

  it('falls back to running the TypeScript through tsx when the entry cannot be bundled', async () => {
    const entry = new URL('./fixtures/unbundlable-worker.ts', import.meta.url);
    expect(bundledWorkerEntry(entry, path.join(scratch, 'unbundlable'))).toBeUndefined();
    const msg = await answer(spawnWorker(entry, {}, { bundle: true }));
    expect(msg.loud).toBe('RAN!');
    expect(msg.from).toBe(entry.href); // the source itself, through tsx
  });
});
