/**
 * One thread's inference engine, whichever runtime draws: ONNX Runtime first (when the
 * preference allows it and every model has a usable model.onnx), else TensorFlow.js on the
 * first backend that starts. A model.onnx that cannot serve costs one log line and the next
 * backend serves; the reason names what was skipped and why.
 */
import type { BackendChoice, GanLogger } from './backend.ts';
import type { BackendPreference } from './backend-plan.ts';
import { OrtEngine, OrtUnavailable } from './ort-engine.ts';

/** What a slot needs of an engine: the same for ONNX Runtime and TensorFlow.js. */
export interface Engine {
  readonly backend: BackendChoice;
  readonly models: ReadonlyMap<string, unknown>;
  /** [count, zDim + numTags] (z, then tags, per row) → [count, S, S, 3] RGB bytes. */
  run(modelId: string, input: Float32Array, count: number): Promise<Uint8Array>;
  numTensors(): number;
  dispose(): void | Promise<void>;
}

export interface CreateEngineOptions {
  modelDirs: readonly string[];
  backend?: BackendPreference;
  log?: GanLogger;
  warmUp?: boolean;
  /** ONNX Runtime intra-op threads (default: its own, the cores or GFF_ORT_THREADS). */
  threads?: number;
}

export async function createEngine(options: CreateEngineOptions): Promise<Engine> {
  const preference = options.backend ?? 'auto';
  const skipped: BackendChoice['skipped'] = [];
  if (preference === 'auto' || preference === 'onnxruntime') {
    try {
      return await OrtEngine.create({
        modelDirs: options.modelDirs,
        ...(options.warmUp === undefined ? {} : { warmUp: options.warmUp }),
        ...(options.threads ? { threads: options.threads } : {}),
      });
    } catch (e) {
      if (!(e instanceof OrtUnavailable)) throw e; // a bad card or tags.json: no backend can serve it
      skipped.push({ name: 'onnxruntime', error: e.message });
      options.log?.warn({ backend: 'onnxruntime', error: e.message }, `ONNX Runtime cannot serve: ${e.message}; falling back to TensorFlow.js`);
    }
  }
  // tfjs only loads when it serves: a worker on ONNX Runtime never pays its memory.
  const { chooseBackend } = await import('./backend.ts');
  const { GeneratorEngine } = await import('./generator-engine.ts');
  const backend = await chooseBackend(preference === 'onnxruntime' ? 'auto' : preference, options.log, skipped);
  return GeneratorEngine.createOn(backend, options);
}
