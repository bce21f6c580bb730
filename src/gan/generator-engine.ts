/**
 * The TensorFlow.js side of generation, owned by one thread: a backend, the loaded models,
 * and `run` = one forward pass over a packed batch. Used inside each worker and, for
 * `workers: 0`, in the main thread, whenever ONNX Runtime does not serve (engine.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendChoice, type GanLogger } from './backend.ts';
import type { BackendPreference } from './backend-plan.ts';
import { ModelLoadError } from './errors.ts';
import { tanhToRgb } from './image.ts';
import { loadModel, type LoadedModel } from './model-loader.ts';
import { outputProblem, PROBE_ROWS, probeInput } from './model-check.ts';
import { batchModel, displayPath } from './model-files.ts';
import path from 'node:path';

export interface EngineOptions {
  modelDirs: readonly string[];
  backend?: BackendPreference;
  log?: GanLogger;
  /** Run each model once at start so the first real request does not pay kernel set-up. */
  warmUp?: boolean;
}

export class GeneratorEngine {
  private constructor(
    readonly backend: BackendChoice,
    readonly models: ReadonlyMap<string, LoadedModel>,
  ) {}

  static async create(options: EngineOptions): Promise<GeneratorEngine> {
    const backend = await chooseBackend(options.backend === 'onnxruntime' ? 'auto' : (options.backend ?? 'auto'), options.log);
    return GeneratorEngine.createOn(backend, options);
  }

  /** Loads the models on a backend already initialised by chooseBackend. */
  static async createOn(backend: BackendChoice, options: EngineOptions): Promise<GeneratorEngine> {
    const models = new Map<string, LoadedModel>();
    try {
      for (const dir of options.modelDirs) {
        const m = await loadModel(dir);
        if (models.has(m.id))
          throw new ModelLoadError('bad_format', m.dir, `Two model directories use the id "${m.id}" (${models.get(m.id)!.dir} and ${m.dir}).`);
        models.set(m.id, m);
      }
    } catch (e) {
      for (const m of models.values()) m.model.dispose();
      throw e;
    }
    const engine = new GeneratorEngine(backend, models);
    if (options.warmUp ?? true) {
      // The probe batch (model-check.ts) as the warm-up: weights that draw NaN or a flat square
      // are refused here, in one line, rather than served as black pictures.
      for (const m of models.values()) {
        const problem = outputProblem(await engine.forward(m.id, probeInput(m.zDim, m.numTags), PROBE_ROWS), PROBE_ROWS, m.imageSize);
        if (problem) {
          engine.dispose();
          const file = path.join(m.dir, 'weights.bin');
          throw new ModelLoadError('bad_output', file, `${displayPath(path.join(m.dir, 'model.json'))} cannot draw: ${problem} (corrupt weights?).`);
        }
      }
    }
    return engine;
  }

  /**
   * One forward pass. `input` is [count, zDim + numTags] row-major (z, then tags, per row);
   * returns [count, S, S, 3] RGB bytes. Every tensor is disposed before returning.
   */
  async run(modelId: string, input: Float32Array, count: number): Promise<Uint8Array> {
    return tanhToRgb(await this.forward(modelId, input, count));
  }

  /** The same pass, raw: [count, S, S, 3] tanh values. */
  async forward(modelId: string, input: Float32Array, count: number): Promise<Float32Array> {
    const { m, width } = batchModel(this.models, modelId, input, count);
    const out = tf.tidy(() => m.model.predict(tf.tensor2d(input, [count, width]), { batchSize: count }) as tf.Tensor);
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  /** Live tensors of this thread's tfjs engine (weights included): flat when nothing leaks. */
  numTensors(): number {
    return tf.memory().numTensors;
  }

  dispose(): void {
    for (const m of this.models.values()) m.model.dispose();
  }
}
