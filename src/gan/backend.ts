/**
 * Picks and initialises the TensorFlow.js backend of this thread. Native bindings are
 * optional packages (tfjs-node-gpu cannot install on every machine), so each candidate is
 * tried by dynamic import and the first that works wins; the result says why, for a
 * start-up log line.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BACKEND_PACKAGE, backendCandidates, type BackendName, type BackendPreference, type TfjsBackendName } from './backend-plan.ts';

export interface BackendChoice {
  name: BackendName;
  /** tfjs's own name for it: 'tensorflow', 'wasm' or 'cpu'; 'onnxruntime' for ONNX Runtime. */
  tfBackend: string;
  /** Whether pictures are really drawn on a GPU (tfjs-node-gpu falls back to the CPU silently). */
  usingGpu: boolean;
  /** ONNX Runtime only: the execution provider in use and its intra-op threads. */
  executionProvider?: 'cuda' | 'cpu';
  threads?: number;
  /** One sentence for the start-up log. */
  reason: string;
  /** Backends tried before the chosen one, with why each failed. */
  skipped: { name: BackendName; error: string }[];
  /** Where models are split between runtimes (a model.onnx that cannot serve): model id → its backend. */
  modelBackends?: Record<string, BackendName>;
}

/** Minimal logger shape (pino's Logger fits). */
export interface GanLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const require = createRequire(import.meta.url);
let wasmPathsSet = false;

async function tryBackend(name: TfjsBackendName): Promise<{ tfBackend: string; usingGpu: boolean }> {
  if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
    // A variable specifier: the package is optional and absent on most machines. It registers
    // the 'tensorflow' backend with the shared @tensorflow/tfjs-core instance (same version).
    const spec: string = BACKEND_PACKAGE[name]!;
    await import(spec);
    if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend failed to initialise');
    const usingGpu = Boolean((tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice);
    return { tfBackend: 'tensorflow', usingGpu };
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      // In Node the .wasm binaries are read from disk: point at the package's dist folder.
      wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
      wasmPathsSet = true;
    }
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    return { tfBackend: 'wasm', usingGpu: false };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  return { tfBackend: 'cpu', usingGpu: false };
}

/**
 * Initialises the first working TensorFlow.js backend for `preference` ('auto': tfjs-node-gpu,
 * tfjs-node, wasm, cpu; a named one: that one, then the slower ones). Never throws for a
 * missing optional package; cpu always works. `skippedBefore`: backends already tried by the
 * caller (ONNX Runtime), named in the reason.
 */
export async function chooseBackend(
  preference: BackendPreference = 'auto',
  log?: GanLogger,
  skippedBefore: BackendChoice['skipped'] = [],
): Promise<BackendChoice> {
  // PROD silences tfjs's console advice ("install tfjs-node…"); failures are reported here.
  tf.env().set('PROD', true);
  const skipped: BackendChoice['skipped'] = [...skippedBefore];
  const candidates = backendCandidates(preference).filter((n): n is TfjsBackendName => n !== 'onnxruntime');
  for (const name of candidates) {
    try {
      const { tfBackend, usingGpu } = await tryBackend(name);
      await tf.ready();
      const why = skipped.length
        ? ` (${skipped.map((s) => `${s.name}: ${s.error}`).join('; ')})`
        : preference === 'auto'
          ? ' (fastest available)'
          : ' (as configured)';
      let reason = `TensorFlow.js backend ${name}${why}`;
      if (name === 'tfjs-node-gpu') {
        reason += usingGpu ? '; running on the GPU' : '; NO GPU found (needs CUDA 11.2 + cuDNN 8.1), running on the CPU';
        if (usingGpu) log?.info({ backend: name, usingGpu }, 'tfjs-node-gpu is using the GPU');
        else log?.warn({ backend: name, usingGpu }, 'tfjs-node-gpu is installed but runs on the CPU');
      }
      return { name, tfBackend, usingGpu, reason, skipped };
    } catch (e) {
      const error = firstLine(e);
      skipped.push({ name, error });
      log?.info({ backend: name, error }, 'TensorFlow.js backend unavailable');
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.error}`).join('; ')}`);
}

export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if ((e as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND') return 'not installed';
  return msg.split('\n')[0]!.slice(0, 200);
}

/** Start-up log line: "TensorFlow.js backend wasm (tfjs-node-gpu: not installed; …)". */
export function describeBackend(choice: BackendChoice): string {
  return choice.reason;
}
