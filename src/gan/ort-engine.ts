/**
 * The ONNX Runtime side of generation, owned by one thread: one InferenceSession per model
 * (model.onnx beside the tfjs files, same contract: [count, zDim + numTags] → [count, S, S, 3]
 * in [-1, 1]) on the CUDA execution provider when it really initialises, else the CPU one with
 * its own intra-op threads. Anything wrong with a model.onnx (missing, corrupt, another
 * network's, inputs that do not match card.json) is an OrtUnavailable with one clear line, and
 * the caller falls back to TensorFlow.js.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BackendChoice } from './backend.ts';
import { cudaProviderInstalled } from './backend-plan.ts';
import { GeneratorError, ModelLoadError } from './errors.ts';
import { tanhToRgb } from './image.ts';
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

export class OrtEngine {
  private constructor(
    private readonly ort: Ort,
    readonly backend: BackendChoice,
    readonly models: ReadonlyMap<string, OrtModel>,
  ) {}

  static async create(options: OrtEngineOptions): Promise<OrtEngine> {
    const ort = await loadOrt();
    const threads = Number(process.env['GFF_ORT_THREADS']) || options.threads || os.availableParallelism();
    const provider = options.provider ?? ((process.env['GFF_ORT_PROVIDER'] as OrtEngineOptions['provider']) || 'auto');
    const models = new Map<string, OrtModel>();
    let usedProvider: 'cuda' | 'cpu' = provider === 'cuda' ? 'cuda' : 'cpu';
    let cudaError: string | undefined = provider !== 'cpu' && !cudaProviderInstalled() ? 'its provider library is not installed' : undefined;
    if (cudaError && provider === 'cuda') throw new OrtUnavailable(`the CUDA execution provider is not installed (${cudaError})`);
    try {
      for (const dir of options.modelDirs) {
        const files = await readModelFiles(dir);
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
            if (provider === 'cuda') throw new OrtUnavailable(`the CUDA execution provider did not start: ${cudaError}`);
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
        models.set(files.id, { ...files, session });
        checkContract(models.get(files.id)!);
      }
    } catch (e) {
      for (const m of models.values()) await m.session.release();
      // A bad card, tags.json or tfjs file is the model's fault, not ONNX Runtime's: no backend
      // can serve it, so it goes up as it is instead of becoming a fall-back.
      if (e instanceof OrtUnavailable || e instanceof ModelLoadError) throw e;
      throw new OrtUnavailable((e as Error).message.split('\n')[0]!);
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
    if (options.warmUp ?? true) {
      // Also proves the output has the promised size before any user waits on it.
      for (const m of models.values()) {
        try {
          await engine.run(m.id, new Float32Array(m.zDim + m.numTags), 1);
        } catch (e) {
          await engine.dispose();
          throw new OrtUnavailable(`${displayPath(path.join(m.dir, 'model.onnx'))}: ${(e as Error).message}`);
        }
      }
    }
    return engine;
  }

  /** One forward pass, as GeneratorEngine.run: [count, zDim + numTags] → [count, S, S, 3] bytes. */
  async run(modelId: string, input: Float32Array, count: number): Promise<Uint8Array> {
    const { m, width } = batchModel(this.models, modelId, input, count);
    const feeds = { [m.session.inputNames[0]!]: new this.ort.Tensor('float32', input, [count, width]) };
    const result = await m.session.run(feeds);
    const out = result[m.session.outputNames[0]!]!;
    try {
      const S = m.imageSize;
      const dims = out.dims.join(',');
      if (dims !== `${count},${S},${S},3`) {
        throw new GeneratorError('generation_failed', `model.onnx gave an output of shape [${dims}], expected [${count}, ${S}, ${S}, 3]`);
      }
      return tanhToRgb(out.data as Float32Array);
    } finally {
      out.dispose();
    }
  }

  /** ONNX Runtime holds no tfjs tensors; kept for the slot's leak statistics. */
  numTensors(): number {
    return 0;
  }

  async dispose(): Promise<void> {
    for (const m of this.models.values()) await m.session.release();
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
