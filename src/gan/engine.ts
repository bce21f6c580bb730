/**
 * One thread's inference engine, whichever runtime draws: ONNX Runtime for each model with a
 * usable model.onnx (when the preference allows it), TensorFlow.js on the first backend that
 * starts for the others. The choice is per model: one bad model.onnx (missing, corrupt,
 * another network's, NaN or flat output, other pictures than its tfjs weights draw) costs one
 * log line and moves that model — only that one — to TensorFlow.js.
 */
import path from 'node:path';
import type { BackendChoice, GanLogger } from './backend.ts';
import type { BackendPreference } from './backend-plan.ts';
import { FINGERPRINT_TOLERANCE, fingerprintDistance, fingerprintOf, PROBE_ROWS, probeInput } from './model-check.ts';
import { displayPath } from './model-files.ts';
import { OrtEngine, OrtUnavailable, type OrtRejection } from './ort-engine.ts';
import type { LazyModels } from './session-pool.ts';

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
  /** ONNX Runtime: models other than these load on first use and are released when idle (ort-engine.ts). */
  lazy?: LazyModels;
}

/** Some models on ONNX Runtime, the others on TensorFlow.js: each batch goes to its model's engine. */
class MixedEngine implements Engine {
  readonly models: ReadonlyMap<string, unknown>;

  constructor(
    readonly backend: BackendChoice,
    private readonly ort: OrtEngine,
    private readonly tfjs: Engine,
  ) {
    this.models = new Map<string, unknown>([...ort.models, ...tfjs.models]);
  }

  run(modelId: string, input: Float32Array, count: number): Promise<Uint8Array> {
    return (this.ort.models.has(modelId) ? this.ort : this.tfjs).run(modelId, input, count);
  }

  numTensors(): number {
    return this.tfjs.numTensors();
  }

  async dispose(): Promise<void> {
    await this.ort.dispose();
    await this.tfjs.dispose();
  }
}

export async function createEngine(options: CreateEngineOptions): Promise<Engine> {
  const preference = options.backend ?? 'auto';
  const skipped: BackendChoice['skipped'] = [];
  let ort: OrtEngine | undefined;
  let rejected: OrtRejection[] = [];
  if (preference === 'auto' || preference === 'onnxruntime') {
    try {
      const load = await OrtEngine.createEach({
        modelDirs: options.modelDirs,
        ...(options.threads ? { threads: options.threads } : {}),
        ...(options.lazy ? { lazy: options.lazy } : {}),
      });
      ort = load.engine;
      rejected = load.rejected;
      if (ort && load.unverified.size > 0) rejected.push(...(await compareWithTfjs(ort, load.unverified, options.log)));
    } catch (e) {
      if (!(e instanceof OrtUnavailable)) throw e; // a bad card or tags.json: no backend can serve it
      skipped.push({ name: 'onnxruntime', error: e.message });
      options.log?.warn({ backend: 'onnxruntime', error: e.message }, `ONNX Runtime cannot serve: ${e.message}; falling back to TensorFlow.js`);
    }
  }
  for (const r of rejected) {
    options.log?.warn(
      { backend: 'onnxruntime', model: r.id, error: r.reason },
      `ONNX Runtime cannot serve model "${r.id}": ${r.reason}; it draws on TensorFlow.js`,
    );
  }
  if (ort && ort.models.size > 0 && rejected.length === 0) return ort;
  // tfjs only loads when it serves: a worker whose models all run on ONNX Runtime never pays its memory.
  const { chooseBackend } = await import('./backend.ts');
  const { GeneratorEngine } = await import('./generator-engine.ts');
  const tfjsPreference = preference === 'onnxruntime' ? 'auto' : preference;
  if (!ort || ort.models.size === 0) {
    await ort?.dispose();
    if (rejected.length > 0) skipped.push({ name: 'onnxruntime', error: rejected.map((r) => r.reason).join('; ') });
    const backend = await chooseBackend(tfjsPreference, options.log, skipped);
    return GeneratorEngine.createOn(backend, options);
  }
  const tfjsBackend = await chooseBackend(tfjsPreference, options.log);
  const rejectedDirs = new Set(rejected.map((r) => path.resolve(r.dir)));
  let tfjs: Engine;
  try {
    tfjs = await GeneratorEngine.createOn(tfjsBackend, { ...options, modelDirs: options.modelDirs.filter((d) => rejectedDirs.has(path.resolve(d))) });
  } catch (e) {
    await ort.dispose();
    throw e;
  }
  const onTfjs = rejected.map((r) => r.id).join(', ');
  const backend: BackendChoice = {
    ...ort.backend,
    // The start-up log line: worker threads have no logger of their own, so the reasons travel here.
    reason: `${ort.backend.reason}; ${onTfjs} on TensorFlow.js ${tfjsBackend.name} (${rejected.map((r) => r.reason).join('; ')})`,
    skipped: [{ name: 'onnxruntime', error: rejected.map((r) => r.reason).join('; ') }],
    modelBackends: Object.fromEntries([...[...ort.models.keys()].map((id) => [id, ort.backend.name]), ...rejected.map((r) => [r.id, tfjsBackend.name])]),
  };
  return new MixedEngine(backend, ort, tfjs);
}

/**
 * Models whose card.json records no probe fingerprint: their model.onnx is compared with the
 * tfjs weights on the probe batch (tfjs loaded for it once, then let go). One that draws
 * otherwise is refused from ONNX Runtime. Costs a few seconds at start-up, once per worker;
 * `npm run model:fingerprint` records the fingerprint so that it is not needed.
 */
async function compareWithTfjs(ort: OrtEngine, unverified: ReadonlyMap<string, number[]>, log?: GanLogger): Promise<OrtRejection[]> {
  const tf = await import('@tensorflow/tfjs');
  const { chooseBackend } = await import('./backend.ts');
  const { loadModel } = await import('./model-loader.ts');
  await chooseBackend('auto', log);
  const out: OrtRejection[] = [];
  for (const [id, fromOrt] of unverified) {
    const m = ort.models.get(id)!;
    const loaded = await loadModel(m.dir);
    let values: Float32Array;
    try {
      const y = tf.tidy(
        () => loaded.model.predict(tf.tensor2d(probeInput(m.zDim, m.numTags), [PROBE_ROWS, m.zDim + m.numTags])) as import('@tensorflow/tfjs').Tensor,
      );
      values = (await y.data()) as Float32Array;
      y.dispose();
    } finally {
      loaded.model.dispose();
    }
    const distance = fingerprintDistance(fromOrt, fingerprintOf(values, PROBE_ROWS, m.imageSize));
    if (distance > FINGERPRINT_TOLERANCE) {
      const file = displayPath(path.join(m.dir, 'model.onnx'));
      out.push({
        id,
        dir: m.dir,
        reason: `${file}: it draws other pictures than the tfjs weights on a fixed test input (differs by ${distance.toFixed(3)}): another network's file`,
      });
      await ort.remove(id);
    }
  }
  return out;
}
