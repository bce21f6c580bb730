/**
 * Which inference backends are installed (ONNX Runtime, then the TensorFlow.js ones), without
 * loading any of them: the main thread uses this to size the worker pool while only workers
 * load a runtime.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import os from 'node:os';

export type BackendName = 'onnxruntime' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
/** The TensorFlow.js ones: what backend.ts can initialise. */
export type TfjsBackendName = Exclude<BackendName, 'onnxruntime'>;
export type BackendPreference = 'auto' | BackendName;

/**
 * Fastest first. ONNX Runtime (its CUDA execution provider when it initialises, else its CPU
 * one: 4–5× tfjs-wasm on the same cores, README "Speed"), then tfjs native CUDA, native CPU
 * (libtensorflow), wasm SIMD, pure JS.
 */
export const BACKEND_ORDER: readonly BackendName[] = ['onnxruntime', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', ...BACKEND_ORDER];

export const BACKEND_PACKAGE: Record<BackendName, string | null> = {
  onnxruntime: 'onnxruntime-node',
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: null, // part of @tensorflow/tfjs
};

const require = createRequire(import.meta.url);

/** Whether the backend's package resolves (it may still fail to load, e.g. no CUDA). */
export function isInstalled(name: BackendName): boolean {
  const pkg = BACKEND_PACKAGE[name];
  if (pkg === null) return true;
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** The backends to try for a preference, in order: the preferred one, then the slower ones. */
export function backendCandidates(preference: BackendPreference = 'auto'): BackendName[] {
  const start = preference === 'auto' ? 0 : BACKEND_ORDER.indexOf(preference);
  return BACKEND_ORDER.slice(Math.max(0, start));
}

/** The backend a worker will most likely end up on (first installed candidate). */
export function plannedBackend(preference: BackendPreference = 'auto'): BackendName {
  return backendCandidates(preference).find(isInstalled) ?? 'cpu';
}

/**
 * Whether the CUDA execution provider's library was installed beside the binding (onnxruntime-node's
 * install script run with ONNXRUNTIME_NODE_INSTALL=cuda12 on a GPU server: README, Installing). Without it, asking for CUDA only makes
 * ONNX Runtime print a load error, so it is not asked.
 */
export function cudaProviderInstalled(): boolean {
  try {
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return existsSync(path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/**
 * Most generator worker threads a service may start: each holds its own runtime and model
 * (≈ 100–170 MiB with wasm), and 65 workers were measured at 6.1 GiB of RSS (issue 10.15).
 * The bot's GFF_WORKERS and gff --workers share this bound.
 */
export const MAX_WORKERS = 16;

/**
 * Default pool size: one worker for native backends (they use all cores themselves through
 * their own intra-op threads, and one GPU is best fed by one process), one per core for
 * wasm/cpu (single-threaded per worker).
 */
export function defaultWorkerCount(backend: BackendName): number {
  // ONNX Runtime: one worker whose session uses an intra-op thread per core. Two single-threaded
  // workers draw more (session 29, 2 cores, alternating runs: 285-310 against 211-258 images/s at
  // 20 users, p99 760-862 against 857-1,099 ms, and quicker at 1 and 5 users) but hold two copies
  // of every session: serving every bundled model as the bot does, they peaked at 359 MiB once the
  // default had drawn and 413 MiB after the others had (one worker: 271 and 342; `npm run bench:rss
  // -- --all --workers N`), over the 350 MB the bot keeps to. So they are GFF_WORKERS=2's to
  // choose where the memory is there; on CUDA one worker feeds the GPU anyway.
  if (backend === 'onnxruntime') return 1;
  return backend === 'wasm' || backend === 'cpu' ? Math.max(1, os.availableParallelism()) : 1;
}

/** Validates a preference from configuration; throws a RangeError naming the choices. */
export function parseBackendPreference(value: string): BackendPreference {
  if ((BACKEND_PREFERENCES as readonly string[]).includes(value)) return value as BackendPreference;
  throw new RangeError(`unknown inference backend "${value}"; use one of ${BACKEND_PREFERENCES.join(', ')}`);
}
