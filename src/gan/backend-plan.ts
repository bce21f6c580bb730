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
 * Whether ONNX Runtime will likely draw on a GPU: its CUDA provider's library is installed and
 * GFF_ORT_PROVIDER does not say cpu (the worker decides for sure when its first session starts).
 */
export function ortMayUseCuda(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['GFF_ORT_PROVIDER'] !== 'cpu' && cudaProviderInstalled();
}

/**
 * Default pool size for `cores` cores (this process's share of the host: shards.ts divides them).
 *
 * ONNX Runtime on CPU: two workers, the cores split between their sessions' intra-op threads.
 * On 2 cores, two single-threaded sessions drew more than one session with two threads, at every
 * load: at 20 users 292-309 against 250-264 images/s, p99 686-714 against 886-979 ms; 5 users p50
 * 146-155 against 168-192 ms (session 30, alternating runs of `npm run bench:bot`). One
 * session's threads meet at the end of every operator, and whenever the bot's own thread takes a
 * core one of them waits there; two sessions each keep a core busy. Each worker holds its own
 * copy of every session, so the pool's batch budget is split between them (generator-service.ts)
 * and only the first worker draws models other than the default (GeneratorService.slotFor): 298-300
 * MiB serving the default (`npm run bench:rss`). One worker where there is one core, and on a GPU,
 * which one process feeds best; one per core for the single-threaded wasm and cpu backends.
 */
export function defaultWorkerCount(backend: BackendName, cores = os.availableParallelism(), onGpu = backend === 'onnxruntime' && ortMayUseCuda()): number {
  if (backend === 'onnxruntime') return onGpu ? 1 : Math.min(2, Math.max(1, cores));
  return backend === 'wasm' || backend === 'cpu' ? Math.max(1, cores) : 1;
}

/** Validates a preference from configuration; throws a RangeError naming the choices. */
export function parseBackendPreference(value: string): BackendPreference {
  if ((BACKEND_PREFERENCES as readonly string[]).includes(value)) return value as BackendPreference;
  throw new RangeError(`unknown inference backend "${value}"; use one of ${BACKEND_PREFERENCES.join(', ')}`);
}
