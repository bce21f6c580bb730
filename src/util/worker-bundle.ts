/**
 * A worker thread's TypeScript entry as plain JavaScript, so that the worker runs without tsx.
 *
 * Node 20 does not hand the parent's TypeScript loader to worker threads, and tsx registered
 * inside a worker (ts-worker-bootstrap.mjs) costs that worker its own loader thread and
 * transforms: 10–15 MiB of RSS a worker (issue 33, `npm run bench:rss`: one worker 248–254 MiB
 * with it, 233–238 without; two 346–349 against 330–334). Instead the entry and the project modules it imports are
 * bundled once by esbuild (≈10 ms; packages stay imports, resolved from the project's
 * node_modules) into node_modules/.cache/gff-workers/<content hash>/, written atomically so
 * that shard processes starting together share one copy. Modules it reaches only through
 * `import()` stay separate chunks (esbuild's splitting), loaded only when imported, as before.
 *
 * Only for entries that resolve nothing beside themselves through `import.meta.url` (a bundle
 * lives in another folder): the generator worker's only such use is createRequire, which
 * resolves packages the same from the cache folder. Anything that fails (no esbuild, a
 * read-only node_modules) returns undefined and the caller keeps the tsx bootstrap.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Esbuild = typeof import('esbuild');

/**
 * Bundles of other sources not used for this long are removed when a new one is written. Each
 * use touches its folder, and a bot that runs on may still import a lazily loaded chunk (or
 * restart a worker) from its own: a month leaves that to bots nobody has restarted in a month.
 */
const STALE_MS = 30 * 24 * 3600 * 1000;
const ENTRY_FILE = 'entry.mjs';

const defaultCacheRoot = fileURLToPath(new URL('../../node_modules/.cache/gff-workers/', import.meta.url));
const made = new Map<string, URL | undefined>();

/** The bundle of `entry` (a file: URL of a .ts module), made on first use in this process; undefined when it cannot be made. */
export function bundledWorkerEntry(entry: URL, cacheRoot = defaultCacheRoot): URL | undefined {
  const key = `${entry.href}\0${cacheRoot}`;
  const known = made.get(key);
  // A failure is not tried again in this process; a bundle removed under a running bot is made again.
  if (made.has(key) && (known === undefined || stillThere(known))) return known;
  let url: URL | undefined;
  try {
    url = writeBundle(entry, cacheRoot);
  } catch {
    url = undefined;
  }
  made.set(key, url);
  return url;
}

function writeBundle(entry: URL, cacheRoot: string): URL {
  const esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
  const { outputFiles } = esbuild.buildSync({
    entryPoints: { entry: fileURLToPath(entry) },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: cacheRoot,
    outExtension: { '.js': '.mjs' },
    write: false,
    logLevel: 'silent',
  });
  const hash = createHash('sha256');
  for (const f of outputFiles) hash.update(path.relative(cacheRoot, f.path)).update('\0').update(f.contents);
  const dir = path.join(cacheRoot, hash.digest('hex').slice(0, 16));
  if (!existsSync(path.join(dir, ENTRY_FILE))) {
    // Written beside, then renamed into place: a process never sees half a bundle.
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    for (const f of outputFiles) {
      const file = path.join(tmp, path.relative(cacheRoot, f.path));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.contents);
    }
    try {
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(path.join(dir, ENTRY_FILE))) throw e; // not another process's identical copy
    }
    removeStale(cacheRoot, path.basename(dir));
  }
  const url = pathToFileURL(path.join(dir, ENTRY_FILE));
  stillThere(url); // touched: another process's copy is in use here too
  return url;
}

/** Whether a bundle is still on disk; touched, so that it counts as in use. */
function stillThere(url: URL): boolean {
  try {
    const now = new Date();
    utimesSync(path.dirname(fileURLToPath(url)), now, now);
    return existsSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

/** Other bundles untouched for STALE_MS: sources since changed. */
function removeStale(cacheRoot: string, keep: string): void {
  for (const name of readdirSync(cacheRoot)) {
    if (name === keep) continue;
    const dir = path.join(cacheRoot, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // gone already, or another process's: not ours to insist on
    }
  }
}
