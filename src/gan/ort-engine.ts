/**
 * The ONNX Runtime side of generation, owned by one thread: one InferenceSession per model
 * (model.onnx beside the tfjs files, same contract: [count, zDim + numTags] → [count, S, S, 3]
 * in [-1, 1]) on the CUDA execution provider when it really initialises, else the CPU one with
 * its own intra-op threads. Anything wrong with a model.onnx (missing, corrupt, another
 * network's by its inputs or by what it draws on the probe batch, NaN or flat output) is one
 * clear line, and TensorFlow.js serves that model — that model only (engine.ts).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BackendChoice } from './backend.ts';
import { cudaProviderInstalled } from './backend-plan.ts';
import { GeneratorError } from './errors.ts';
import { tanhToRgb } from './image.ts';
import { FINGERPRINT_TOLERANCE, fingerprintDistance, fingerprintOf, outputProblem, PROBE_ROWS, PROBE_VERSION, probeInput } from './model-check.ts';
import { batchModel, displayPath, readModelFiles, type ModelSummary } from './model-files.ts';

type Ort = typeof import('onnxruntime-node');

/** ONNX Runtime cannot serve these models here; `message` is the one line for the log. */
export class OrtUnavailable extends Error {
  override readonly name = 'OrtUnavailable';
}

export interface OrtEngineOptions {
  modelDirs: readonly string[];
  /** Intra-op threads (default: the cores; GFF_ORT_THREADS overrides). */
  threads?: number;
  /** 'auto' tries CUDA first; 'cpu' skips it (GFF_ORT_PROVIDER). */
  provider?: 'auto' | 'cuda' | 'cpu';
  warmUp?: boolean;
}

/**
 * Session options of the CPU provider. The intra-op threads do not spin while they wait for
 * work (GFF_ORT_SPIN=1 lets them): on a 2-core host the bot's own thread (rendering, REST, the
 * store) shares the cores with them, and spinning threads took that time for nothing — with
 * spinning off, `bench:bot` at 20 users spent 16.5–17.2 CPU ms an image instead of 22.1–22.5,
 * the generator alone 13.6–14.0 instead of 18.3–18.9 (one busy machine, two runs each).
 */
export function sessionBase(threads: number, spin: string | undefined = process.env['GFF_ORT_SPIN']) {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential' as const,
    graphOptimizationLevel: 'all' as const,
    extra: { session: { intra_op: { allow_spinning: spin === '1' ? '1' : '0' } } },
  };
}

interface OrtModel extends ModelSummary {
  session: import('onnxruntime-node').InferenceSession;
}

async function loadOrt(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrtUnavailable(code === 'ERR_MODULE_NOT_FOUND' ? 'not installed' : `cannot load (${(e as Error).message.split('\n')[0]})`);
  }
}

/** The model.onnx bytes, checked against card.json's SHA-256 when the card lists one. */
async function readOnnx(m: ModelSummary): Promise<Uint8Array> {
  const file = path.join(m.dir, 'model.onnx');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrtUnavailable(code === 'ENOENT' ? `${displayPath(file)} is missing` : `${displayPath(file)} cannot be read (${code})`);
  }
  const listed = m.card.files?.find((f) => f.name === 'model.onnx');
  if (listed && createHash('sha256').update(bytes).digest('hex') !== listed.sha256) {
    throw new OrtUnavailable(`${displayPath(file)} does not match the SHA-256 in card.json (corrupt, or another network's file)`);
  }
  return bytes;
}

/** A model ONNX Runtime will not serve, and why (one line); TensorFlow.js serves it instead. */
export interface OrtRejection {
  id: string;
  dir: string;
  reason: string;
}

/** What OrtEngine.createEach loaded: the models ONNX Runtime serves, those it refused, and those yet to be compared with tfjs. */
export interface OrtLoad {
  /** Undefined when no model could be served. */
  engine: OrtEngine | undefined;
  rejected: OrtRejection[];
  /** Models whose card.json records no probe fingerprint: id → ONNX Runtime's, for the caller to compare with tfjs's. */
  unverified: Map<string, number[]>;
}

export class OrtEngine {
  private constructor(
    private readonly ort: Ort,
    readonly backend: BackendChoice,
    private readonly served: Map<string, OrtModel>,
  ) {}

  get models(): ReadonlyMap<string, OrtModel> {
    return this.served;
  }

  /** Every model or none: the first model ONNX Runtime cannot serve is an OrtUnavailable. */
  static async create(options: OrtEngineOptions): Promise<OrtEngine> {
    const load = await OrtEngine.createEach(options);
    const first = load.rejected[0];
    if (first || !load.engine) {
      await load.engine?.dispose();
      throw new OrtUnavailable(first?.reason ?? 'no model to serve');
    }
    return load.engine;
  }

  /**
   * Each model on its own: one whose model.onnx is missing, corrupt, another network's (by its
   * inputs or by what it draws on the probe batch), or draws NaN or a flat picture is refused
   * with its reason, and the others are served. Throws OrtUnavailable only when ONNX Runtime
   * itself cannot run here, and ModelLoadError for a model no backend can serve (bad card).
   */
  static async createEach(options: OrtEngineOptions): Promise<OrtLoad> {
    const ort = await loadOrt();
    const threads = Number(process.env['GFF_ORT_THREADS']) || options.threads || os.availableParallelism();
    const provider = options.provider ?? ((process.env['GFF_ORT_PROVIDER'] as OrtEngineOptions['provider']) || 'auto');
    const models = new Map<string, OrtModel>();
    const rejected: OrtRejection[] = [];
    let usedProvider: 'cuda' | 'cpu' = provider === 'cuda' ? 'cuda' : 'cpu';
    let cudaError: string | undefined = provider !== 'cpu' && !cudaProviderInstalled() ? 'its provider library is not installed' : undefined;
    if (cudaError && provider === 'cuda') throw new OrtUnavailable(`the CUDA execution provider is not installed (${cudaError})`);
    let cudaRequiredFailed: OrtUnavailable | undefined;
    const releaseAll = async () => {
      for (const m of models.values()) await m.session.release();
    };
    for (const dir of options.modelDirs) {
      let files: ModelSummary;
      try {
        files = await readModelFiles(dir);
      } catch (e) {
        // A bad card, tags.json or tfjs file is the model's fault, not ONNX Runtime's: no backend
        // can serve it, so it goes up as it is instead of becoming a fall-back.
        await releaseAll();
        throw e;
      }
      try {
        const bytes = await readOnnx(files);
        const base = sessionBase(threads);
        let session: import('onnxruntime-node').InferenceSession | undefined;
        if (provider !== 'cpu' && !cudaError && (models.size === 0 || usedProvider === 'cuda')) {
          try {
            // CUDA only, no CPU fallback inside the session: success means it really runs there.
            session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'] });
            usedProvider = 'cuda';
          } catch (e) {
            cudaError = (e as Error).message.split('\n')[0]!.slice(0, 160);
            if (provider === 'cuda') {
              // Asked for CUDA only (GFF_ORT_PROVIDER=cuda): the runtime, not this model, cannot serve.
              await releaseAll();
              cudaRequiredFailed = new OrtUnavailable(`the CUDA execution provider did not start: ${cudaError}`);
              throw cudaRequiredFailed;
            }
          }
        }
        if (!session) {
          try {
            session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
          } catch (e) {
            throw new OrtUnavailable(
              `${displayPath(path.join(files.dir, 'model.onnx'))} cannot be loaded: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`,
            );
          }
        }
        const m: OrtModel = { ...files, session };
        try {
          checkContract(m);
        } catch (e) {
          await session.release();
          throw e;
        }
        models.set(files.id, m);
      } catch (e) {
        if (e === cudaRequiredFailed) throw e;
        rejected.push({ id: files.id, dir: files.dir, reason: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
      }
    }
    const where = usedProvider === 'cuda' ? 'CUDA execution provider (GPU)' : `CPU execution provider, ${threads} thread${threads === 1 ? '' : 's'}`;
    const cudaNote = usedProvider === 'cpu' && provider === 'auto' && cudaError ? ` (CUDA: ${cudaError})` : '';
    const backend: BackendChoice = {
      name: 'onnxruntime',
      tfBackend: 'onnxruntime',
      usingGpu: usedProvider === 'cuda',
      executionProvider: usedProvider,
      threads,
      reason: `ONNX Runtime ${ort.env.versions?.node ?? ''} on the ${where}${cudaNote}`.replace('  ', ' '),
      skipped: [],
    };
    const engine = new OrtEngine(ort, backend, models);
    // The probe batch: proves the output has the promised size, is a picture (not NaN, not flat)
    // and — against card.json's fingerprint — is this network's, before any user waits on it.
    // It is the warm-up too, so it runs whatever options.warmUp says.
    const unverified = new Map<string, number[]>();
    for (const m of [...models.values()]) {
      const file = displayPath(path.join(m.dir, 'model.onnx'));
      let problem: string | undefined;
      try {
        const values = await engine.forward(m.id, probeInput(m.zDim, m.numTags), PROBE_ROWS);
        problem = outputProblem(values, PROBE_ROWS, m.imageSize);
        const fingerprint = problem ? [] : fingerprintOf(values, PROBE_ROWS, m.imageSize);
        const recorded = m.card.probe?.version === PROBE_VERSION ? m.card.probe.fingerprint : undefined;
        if (!problem && recorded) {
          const distance = fingerprintDistance(fingerprint, recorded);
          if (distance > FINGERPRINT_TOLERANCE) {
            problem = `it draws other pictures than card.json's probe fingerprint (differs by ${distance.toFixed(3)}): corrupt, or another network's file`;
          }
        } else if (!problem) {
          unverified.set(m.id, fingerprint);
        }
      } catch (e) {
        problem = (e as Error).message.split('\n')[0]!;
      }
      if (problem) {
        rejected.push({ id: m.id, dir: m.dir, reason: `${file}: ${problem}` });
        await engine.remove(m.id);
      }
    }
    if (models.size === 0) return { engine: undefined, rejected, unverified };
    return { engine, rejected, unverified };
  }

  /** Stops serving a model (its model.onnx turned out not to match its tfjs weights). */
  async remove(modelId: string): Promise<void> {
    const m = this.served.get(modelId);
    if (!m) return;
    this.served.delete(modelId);
    await m.session.release();
  }

  /** One forward pass, raw: [count, zDim + numTags] → [count, S, S, 3] tanh values. */
  async forward(modelId: string, input: Float32Array, count: number): Promise<Float32Array> {
    const { m, width } = batchModel(this.served, modelId, input, count);
    const feeds = { [m.session.inputNames[0]!]: new this.ort.Tensor('float32', input, [count, width]) };
    const result = await m.session.run(feeds);
    const out = result[m.session.outputNames[0]!]!;
    try {
      const S = m.imageSize;
      const dims = out.dims.join(',');
      if (dims !== `${count},${S},${S},3`) {
        throw new GeneratorError('generation_failed', `model.onnx gave an output of shape [${dims}], expected [${count}, ${S}, ${S}, 3]`);
      }
      return new Float32Array(out.data as Float32Array);
    } finally {
      out.dispose();
    }
  }

  /** One forward pass, as GeneratorEngine.run: [count, zDim + numTags] → [count, S, S, 3] bytes. */
  async run(modelId: string, input: Float32Array, count: number): Promise<Uint8Array> {
    return tanhToRgb(await this.forward(modelId, input, count));
  }

  /** ONNX Runtime holds no tfjs tensors; kept for the slot's leak statistics. */
  numTensors(): number {
    return 0;
  }

  async dispose(): Promise<void> {
    for (const m of this.served.values()) await m.session.release();
    this.served.clear();
  }
}

/** The session's declared input must be [batch, zDim + numTags] and its output rank 4. */
function checkContract(m: OrtModel): void {
  const file = displayPath(path.join(m.dir, 'model.onnx'));
  const s = m.session as unknown as {
    inputNames: readonly string[];
    outputNames: readonly string[];
    inputMetadata?: readonly { shape?: readonly (number | string)[] }[];
  };
  if (s.inputNames.length !== 1 || s.outputNames.length !== 1) {
    throw new OrtUnavailable(`${file} has ${s.inputNames.length} inputs and ${s.outputNames.length} outputs, expected 1 and 1`);
  }
  const shape = s.inputMetadata?.[0]?.shape;
  const width = m.zDim + m.numTags;
  if (shape && (shape.length !== 2 || (typeof shape[1] === 'number' && shape[1] !== width))) {
    throw new OrtUnavailable(
      `${file} takes inputs of shape [${shape.join(', ')}], but card.json needs [batch, ${width}] (zDim ${m.zDim} + numTags ${m.numTags})`,
    );
  }
}
