import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module given by URL. TypeScript entries go through a small
 * bootstrap that registers tsx in the worker; the entry reads its own data from
 * `workerData.data`.
 */
export function spawnWorker(entry: URL, data: unknown, resourceLimits?: Worker['resourceLimits']): Worker {
  const bootstrap = new URL('./ts-worker-bootstrap.mjs', import.meta.url);
  const isTs = entry.pathname.endsWith('.ts');
  return new Worker(isTs ? bootstrap : entry, {
    workerData: { entry: entry.href, data },
    ...(resourceLimits ? { resourceLimits } : {}),
  });
}
