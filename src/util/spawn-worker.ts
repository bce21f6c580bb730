import { Worker } from 'node:worker_threads';
import { bundledWorkerEntry } from './worker-bundle.ts';

export interface SpawnOptions {
  resourceLimits?: Worker['resourceLimits'];
  /**
   * Run a TypeScript entry as a JavaScript bundle (worker-bundle.ts: 10–15 MiB less RSS a worker)
   * rather than through tsx; only for entries that find no files beside them by import.meta.url.
   */
  bundle?: boolean;
}

/**
 * Starts a worker thread on a module given by URL. TypeScript entries are bundled to JavaScript
 * when asked (and possible), else go through a small bootstrap that registers tsx in the
 * worker; the entry reads its own data from `workerData.data`.
 */
export function spawnWorker(entry: URL, data: unknown, opts: SpawnOptions = {}): Worker {
  const isTs = entry.pathname.endsWith('.ts');
  const bundled = isTs && opts.bundle ? bundledWorkerEntry(entry) : undefined;
  const bootstrap = new URL('./ts-worker-bootstrap.mjs', import.meta.url);
  return new Worker(bundled ?? (isTs ? bootstrap : entry), {
    workerData: { entry: entry.href, data },
    ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}),
  });
}
