/** Messages between GeneratorService (main thread) and generator-worker.ts. */
import type { BackendChoice } from './backend.ts';
import type { BackendPreference } from './backend-plan.ts';
import type { LazyModels } from './session-pool.ts';
import { BusyError, GeneratorError, ModelLoadError, ShareCodeError } from './errors.ts';
import type { ErrorDetail } from '../latent/errors.ts';

/** workerData.data of a generator worker. */
export interface WorkerInit {
  modelDirs: string[];
  backend: BackendPreference;
  /** ONNX Runtime intra-op threads of this worker. */
  threads?: number;
  /** Which models' sessions load on first use and are released when idle (session-pool.ts). */
  lazy?: LazyModels;
  /** Test hook: throw an uncaught error on receiving this (1-based) batch. */
  crashOnBatch?: number;
  /** Test hook: never answer this (1-based) batch, as a hung backend would. */
  hangOnBatch?: number;
  /**
   * Two Int32s. [0]: the worker sets it to 1 while ONNX Runtime runs a batch natively and back
   * to 0 after: terminating a worker in that window aborts the whole process (onnxruntime-node
   * throws a Napi::Error into a torn-down environment), so the slot must not terminate it then.
   * [1]: the slot sets it to 1 when it gives the worker up (a timed-out batch): the worker then
   * starts none of the batches still queued in it, so its late answer is its last native run.
   */
  inNativeRun?: SharedArrayBuffer;
}

export type ToWorker = {
  type: 'run';
  batchId: number;
  modelId: string;
  count: number;
  /** [count, zDim + numTags], transferred. */
  input: Float32Array;
};

export type FromWorker =
  | { type: 'ready'; backend: BackendChoice; models: string[]; numTensors: number }
  | { type: 'result'; batchId: number; pixels: Uint8Array; numTensors: number }
  | { type: 'failed'; batchId: number; error: SerializedError; numTensors: number }
  | { type: 'fatal'; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  file?: string;
  /** The error's ErrorDetail, so that a reply can still say it in the user's language. */
  detail?: ErrorDetail;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; file?: unknown; detail?: ErrorDetail };
    return {
      name: e.name,
      message: e.message,
      ...(typeof x.code === 'string' ? { code: x.code } : {}),
      ...(typeof x.file === 'string' ? { file: x.file } : {}),
      ...(x.detail !== undefined && typeof x.detail.key === 'string' ? { detail: x.detail } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

/** Rebuilds the typed error a worker threw, so callers can switch on `code` as usual. */
export function reviveError(s: SerializedError): Error {
  switch (s.name) {
    case 'ModelLoadError':
      return new ModelLoadError(s.code as ModelLoadError['code'], s.file ?? '', s.message);
    case 'GeneratorError':
      return new GeneratorError(s.code as GeneratorError['code'], s.message, s.detail);
    case 'ShareCodeError':
      return new ShareCodeError(s.code as ShareCodeError['code'], s.message, undefined, s.detail);
    case 'BusyError':
      return new BusyError(1000);
    default: {
      const e = new Error(s.message);
      e.name = s.name;
      return e;
    }
  }
}
