/**
 * The ONNX Runtime side of generation, owned by one thread: one InferenceSession per model
 * (model.onnx beside the tfjs files, same contract: [count, zDim + numTags] → [count, S, S, 3]
 * in [-1, 1]) on the CUDA execution provider when it really initialises, else the CPU one with
 * its own intra-op threads. Anything wrong with a model.onnx (missing, corrupt, another
 * network's by its inputs or by what it draws on the probe batch, NaN or flat output) is one
 * clear line, and TensorFlow.js serves that model — that model only (engine.ts).
 *
 * This class is the one owner of sessions, so it is where they are loaded late and let go
 * (issue 33: every session held from start-up took five models past 350 MB). With `lazy`, only
 * the resident models (the default) get a session at start; every other model.onnx is only
 * checked against card.json's SHA-256 then (a stream, no buffer kept), and its session is built
 * and probed by its first batch, and released when unused (session-pool.ts). One that fails
 * then is a GeneratorError 'model_unavailable' for its own requests; the others draw on.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errorDetail } from '../latent/errors.ts';
import type { BackendChoice } from './backend.ts';
import { cudaProviderInstalled } from './backend-plan.ts';
import { GeneratorError } from './errors.ts';
import { tanhToRgb } from './image.ts';
import { FINGERPRINT_TOLERANCE, fingerprintDistance, fingerprintOf, outputProblem, PROBE_ROWS, PROBE_VERSION, probeInput } from './model-check.ts';
import { batchModel, displayPath, readModelFiles, type ModelFiles, type ModelSummary } from './model-files.ts';
import { SessionPool, type LazyModels } from './session-pool.ts';

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

/** ONNX Runtime cannot serve these models here; `message` is the one line for the log. */
export class OrtUnavailable extends Error {
  override readonly name = 'OrtUnavailable';
  constructor(
    message: string,
    /** ONNX Runtime itself cannot run here (no model's fault): no model is served by it. */
    readonly wholeRuntime = false,
  ) {
    super(message);
  }
}

export interface OrtEngineOptions {
  modelDirs: readonly string[];
  /** Intra-op threads (default: the cores; GFF_ORT_THREADS overrides). */
  threads?: number;
  /** 'auto' tries CUDA first; 'cpu' skips it (GFF_ORT_PROVIDER). */
  provider?: 'auto' | 'cuda' | 'cpu';
  warmUp?: boolean;
  /**
   * Sessions of models other than `lazy.resident` built on first use and released when idle.
   * Undefined: every model's session built at start and held to the end (tools, one-model tests).
   */
  lazy?: LazyModels;
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

async function loadOrt(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrtUnavailable(code === 'ERR_MODULE_NOT_FOUND' ? 'not installed' : `cannot load (${(e as Error).message.split('\n')[0]})`);
  }
}

/** ONNX Runtime's output as floats of our own, kept after the output is freed. */
const copyOut = (values: Float32Array) => new Float32Array(values);

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

function unreadable(file: string, e: unknown): OrtUnavailable {
  const code = (e as NodeJS.ErrnoException).code;
  return new OrtUnavailable(code === 'ENOENT' ? `${displayPath(file)} is missing` : `${displayPath(file)} cannot be read (${code})`);
}

function checksumMismatch(file: string): OrtUnavailable {
  return new OrtUnavailable(`${displayPath(file)} does not match the SHA-256 in card.json (corrupt, or another network's file)`);
}

/** The model.onnx bytes, checked against card.json's SHA-256 when the card lists one. */
async function readOnnx(m: ModelSummary): Promise<Uint8Array> {
  const file = path.join(m.dir, 'model.onnx');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  const listed = m.card.files?.find((f) => f.name === 'model.onnx');
  if (listed && createHash('sha256').update(bytes).digest('hex') !== listed.sha256) throw checksumMismatch(file);
  return bytes;
}

/**
 * The start-up check of a model whose session comes later: model.onnx is there and matches
 * card.json's SHA-256, hashed as a stream so that no copy of the file stays in memory.
 */
async function checkOnnx(m: ModelSummary): Promise<void> {
  const file = path.join(m.dir, 'model.onnx');
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (e) {
    throw unreadable(file, e);
  }
  const listed = m.card.files?.find((f) => f.name === 'model.onnx');
  if (listed && hash.digest('hex') !== listed.sha256) throw checksumMismatch(file);
}

/** The metadata alone (the tfjs manifest is not kept: this engine never reads it again). */
function summaryOf(f: ModelFiles): ModelSummary {
  return { id: f.id, formerIds: f.formerIds, dir: f.dir, card: f.card, vocabulary: f.vocabulary, zDim: f.zDim, imageSize: f.imageSize, numTags: f.numTags };
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

/** The probe fingerprint a model's session must draw, and where it comes from (for the message). */
interface Expected {
  fingerprint: readonly number[];
  source: string;
}

export class OrtEngine {
  private readonly served = new Map<string, ModelSummary>();
  private readonly expected = new Map<string, Expected>();
  private readonly pool: SessionPool<Session>;
  private usedProvider: 'cuda' | 'cpu';
  /** Whether a session was built yet, i.e. whether usedProvider is the provider in use. */
  private decided = false;
  private choice: BackendChoice | undefined;
  /** Sessions built since start (a test counts them: concurrent first batches build one). */
  sessionsCreated = 0;

  private constructor(
    private readonly ort: Ort,
    private readonly threads: number,
    private readonly provider: 'auto' | 'cuda' | 'cpu',
    private cudaError: string | undefined,
    lazy: LazyModels | undefined,
  ) {
    this.usedProvider = provider === 'cuda' ? 'cuda' : 'cpu';
    this.pool = new SessionPool<Session>({
      load: (id) => this.loadOnFirstUse(id),
      release: (_id, session) => session.release(),
      idleMs: lazy?.idleMs ?? 0,
      maxLoaded: lazy?.maxLoaded ?? Number.POSITIVE_INFINITY,
    });
  }

  get backend(): BackendChoice {
    return this.choice!;
  }

  /** Every model this engine serves, whether its session is loaded now or not. */
  get models(): ReadonlyMap<string, ModelSummary> {
    return this.served;
  }

  /** Ids whose session is loaded now. */
  loaded(): string[] {
    return this.pool.loaded();
  }

  /** Releases the sessions that are due at `now` (session-pool.ts); a timer does it otherwise. */
  sweep(now?: number): void {
    this.pool.sweep(now);
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
   *
   * A model loaded later (not resident under `lazy`) is only hashed here, when card.json records
   * its probe fingerprint; without one its session is built and probed now (the caller compares
   * that with tfjs) and released, and what it drew is what its later sessions must draw.
   */
  static async createEach(options: OrtEngineOptions): Promise<OrtLoad> {
    const ort = await loadOrt();
    const threads = Number(process.env['GFF_ORT_THREADS']) || options.threads || os.availableParallelism();
    const provider = options.provider ?? ((process.env['GFF_ORT_PROVIDER'] as OrtEngineOptions['provider']) || 'auto');
    const cudaError = provider !== 'cpu' && !cudaProviderInstalled() ? 'its provider library is not installed' : undefined;
    if (cudaError && provider === 'cuda') throw new OrtUnavailable(`the CUDA execution provider is not installed (${cudaError})`);
    const engine = new OrtEngine(ort, threads, provider, cudaError, options.lazy);
    const rejected: OrtRejection[] = [];
    const unverified = new Map<string, number[]>();
    try {
      for (const dir of options.modelDirs) {
        // A bad card, tags.json or tfjs file is the model's fault, not ONNX Runtime's: no backend
        // can serve it, so it goes up as it is instead of becoming a fall-back.
        const m = summaryOf(await readModelFiles(dir));
        const recorded = m.card.probe?.version === PROBE_VERSION ? m.card.probe.fingerprint : undefined;
        if (recorded) engine.expected.set(m.id, { fingerprint: recorded, source: "card.json's probe fingerprint" });
        const resident = !options.lazy || options.lazy.resident.includes(m.id);
        try {
          if (resident) engine.pool.pin(m.id, await engine.open(m, unverified));
          else if (recorded) await checkOnnx(m);
          else await (await engine.open(m, unverified)).release();
          engine.served.set(m.id, m);
        } catch (e) {
          if (e instanceof OrtUnavailable && e.wholeRuntime) throw e;
          engine.expected.delete(m.id);
          rejected.push({ id: m.id, dir: m.dir, reason: firstLine(e) });
        }
      }
    } catch (e) {
      await engine.dispose();
      throw e;
    }
    const where = engine.usedProvider === 'cuda' ? 'CUDA execution provider (GPU)' : `CPU execution provider, ${threads} thread${threads === 1 ? '' : 's'}`;
    const cudaNote = engine.usedProvider === 'cpu' && provider === 'auto' && engine.cudaError ? ` (CUDA: ${engine.cudaError})` : '';
    engine.choice = {
      name: 'onnxruntime',
      tfBackend: 'onnxruntime',
      usingGpu: engine.usedProvider === 'cuda',
      executionProvider: engine.usedProvider,
      threads,
      reason: `ONNX Runtime ${ort.env.versions?.node ?? ''} on the ${where}${cudaNote}`.replace('  ', ' '),
      skipped: [],
    };
    if (engine.served.size === 0) {
      await engine.dispose();
      return { engine: undefined, rejected, unverified };
    }
    return { engine, rejected, unverified };
  }

  /**
   * model.onnx → a session that keeps the contract and draws on the probe batch what it should:
   * the output has the promised size, is a picture (not NaN, not flat) and — against card.json's
   * fingerprint, or what it drew at start — is this network's, before any user waits on it. The
   * probe is the warm-up too. Without an expected fingerprint, what it drew becomes it, and is
   * reported in `unverified` for the caller to compare with tfjs.
   */
  private async open(m: ModelSummary, unverified?: Map<string, number[]>): Promise<Session> {
    const session = await this.createSession(await readOnnx(m), m);
    try {
      checkContract(m, session);
      const fingerprint = await this.probe(m, session);
      if (!this.expected.has(m.id)) {
        this.expected.set(m.id, { fingerprint, source: 'what it drew at start-up' });
        unverified?.set(m.id, fingerprint);
      }
      return session;
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /** The session's fingerprint on the probe batch; OrtUnavailable naming the file if it draws wrong. */
  private async probe(m: ModelSummary, session: Session): Promise<number[]> {
    let problem: string | undefined;
    let fingerprint: number[] = [];
    try {
      const values = await this.runSession(session, m, probeInput(m.zDim, m.numTags), PROBE_ROWS, copyOut);
      problem = outputProblem(values, PROBE_ROWS, m.imageSize);
      const expected = this.expected.get(m.id);
      if (!problem) fingerprint = fingerprintOf(values, PROBE_ROWS, m.imageSize);
      if (!problem && expected) {
        const distance = fingerprintDistance(fingerprint, expected.fingerprint);
        if (distance > FINGERPRINT_TOLERANCE) {
          problem = `it draws other pictures than ${expected.source} (differs by ${distance.toFixed(3)}): corrupt, or another network's file`;
        }
      }
    } catch (e) {
      problem = firstLine(e);
    }
    if (problem) throw new OrtUnavailable(`${displayPath(path.join(m.dir, 'model.onnx'))}: ${problem}`);
    return fingerprint;
  }

  /**
   * The first batch of a model since start (or since its session was released) builds its
   * session. Whatever fails is said to its requests as 'model_unavailable', in one line; the
   * pool answers the same for a while, then lets a later batch try again.
   */
  private async loadOnFirstUse(id: string): Promise<Session> {
    const m = this.served.get(id)!;
    try {
      return await this.open(m);
    } catch (e) {
      throw new GeneratorError(
        'model_unavailable',
        `The model "${id}" cannot draw right now (${firstLine(e)}); pictures of the other models still work.`,
        errorDetail('model.unavailable', { model: id }),
      );
    }
  }

  /** A session on the CUDA provider while it works (the first session decides), else the CPU one. */
  private async createSession(bytes: Uint8Array, m: ModelSummary): Promise<Session> {
    const base = sessionBase(this.threads);
    if (this.provider !== 'cpu' && !this.cudaError && (!this.decided || this.usedProvider === 'cuda')) {
      try {
        // CUDA only, no CPU fallback inside the session: success means it really runs there.
        const session = await this.ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'] });
        this.usedProvider = 'cuda';
        this.decided = true;
        this.sessionsCreated++;
        return session;
      } catch (e) {
        this.cudaError = firstLine(e).slice(0, 160);
        // Asked for CUDA only (GFF_ORT_PROVIDER=cuda): the runtime, not this model, cannot serve.
        if (this.provider === 'cuda') throw new OrtUnavailable(`the CUDA execution provider did not start: ${this.cudaError}`, true);
      }
    }
    try {
      const session = await this.ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
      this.decided = true;
      this.sessionsCreated++;
      return session;
    } catch (e) {
      throw new OrtUnavailable(`${displayPath(path.join(m.dir, 'model.onnx'))} cannot be loaded: ${firstLine(e).slice(0, 200)}`);
    }
  }

  /** Stops serving a model (its model.onnx turned out not to match its tfjs weights). */
  async remove(modelId: string): Promise<void> {
    this.served.delete(modelId);
    this.expected.delete(modelId);
    await this.pool.remove(modelId);
  }

  /** One forward pass, raw: [count, zDim + numTags] → [count, S, S, 3] tanh values. */
  async forward(modelId: string, input: Float32Array, count: number): Promise<Float32Array> {
    return this.runWith(modelId, input, count, copyOut);
  }

  /**
   * One forward pass, as GeneratorEngine.run: [count, zDim + numTags] → [count, S, S, 3] bytes.
   * The bytes are read straight from ONNX Runtime's output before it is freed: copying the
   * floats out first (forward's way) made 0.8 MB of garbage a 128 px batch of four, and 600 such
   * batches in one thread drew 268–297 images/s with the copy against 324–340 without (issue 33).
   */
  async run(modelId: string, input: Float32Array, count: number): Promise<Uint8Array> {
    return this.runWith(modelId, input, count, tanhToRgb);
  }

  /** A forward pass whose output `read` turns into what the caller keeps, while the output still exists. */
  private async runWith<T>(modelId: string, input: Float32Array, count: number, read: (values: Float32Array) => T): Promise<T> {
    const { m } = batchModel(this.served, modelId, input, count);
    // The pool holds the session for the whole run: it is not released under a running batch.
    return this.pool.use(m.id, (session) => this.runSession(session, m, input, count, read));
  }

  private async runSession<T>(session: Session, m: ModelSummary, input: Float32Array, count: number, read: (values: Float32Array) => T): Promise<T> {
    const feeds = { [session.inputNames[0]!]: new this.ort.Tensor('float32', input, [count, m.zDim + m.numTags]) };
    const result = await session.run(feeds);
    const out = result[session.outputNames[0]!]!;
    try {
      const S = m.imageSize;
      const dims = out.dims.join(',');
      if (dims !== `${count},${S},${S},3`) {
        throw new GeneratorError('generation_failed', `model.onnx gave an output of shape [${dims}], expected [${count}, ${S}, ${S}, 3]`);
      }
      return read(out.data as Float32Array);
    } finally {
      out.dispose();
    }
  }

  /** ONNX Runtime holds no tfjs tensors; kept for the slot's leak statistics. */
  numTensors(): number {
    return 0;
  }

  async dispose(): Promise<void> {
    await this.pool.dispose();
    this.served.clear();
  }
}

/** The session's declared input must be [batch, zDim + numTags] and its output rank 4. */
function checkContract(m: ModelSummary, session: Session): void {
  const file = displayPath(path.join(m.dir, 'model.onnx'));
  const s = session as unknown as {
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
