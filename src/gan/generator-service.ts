/**
 * GeneratorService: the one queue through which every caller (bot commands, CLI) draws
 * pictures. Requests are split into single images, merged into micro-batches per model
 * (batcher.ts) and run on a pool of worker threads, each with its own tfjs backend
 * (slots.ts); results are routed back to each caller in request order.
 *
 * The main thread never loads tfjs when workers > 0: it reads only card.json/tags.json/
 * model.json (model-files.ts) so callers can parse tags and validate vectors here.
 */
import { BusyError, GeneratorError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';
import os from 'node:os';
import type { BackendChoice, GanLogger } from './backend.ts';
import { defaultWorkerCount, plannedBackend, type BackendName } from './backend-plan.ts';
import { MicroBatcher, type BatchItem } from './batcher.ts';
import { splitImages, type RawImage } from './image.ts';
import { InProcessSlot, WorkerSlot, type Slot, type SlotHooks } from './slots.ts';
import { readServedModels, resolveModelId } from './served-models.ts';
import { DEFAULT_MAX_OTHER_MODELS, DEFAULT_MODEL_IDLE_MS } from './session-pool.ts';
import type { GenerateOptions, GenerateRequest, GeneratorServiceOptions, GeneratorStats, ModelSummary } from './generator-types.ts';

export type { GenerateOptions, GenerateRequest, GeneratorServiceOptions, GeneratorStats, ModelSummary } from './generator-types.ts';

/**
 * The pool's batch budget in 64 px images: one worker's batches hold this many, two workers'
 * half as many each, so that the activations held at once (and the RSS) stay what one worker's
 * were (`npm run bench:rss`: two ONNX Runtime workers peaked at 330-340 MiB in batches of 4 at
 * 128 px, 298 in batches of 2, and the generator alone drew as many images/s at batch 2 as at 32).
 */
export const POOL_BATCH_BUDGET = 16;

/** First guess of ms per image per worker, until real batches have been timed. */
const INITIAL_MS_PER_IMAGE: Record<BackendName, number> = { onnxruntime: 1, 'tfjs-node-gpu': 1, 'tfjs-node': 5, wasm: 10, cpu: 200 };

interface Ticket {
  images: RawImage[];
  remaining: number;
  resolve(images: RawImage[]): void;
  reject(e: Error): void;
  done: boolean;
}

interface Item extends BatchItem {
  ticket: Ticket;
  index: number;
  z: Float32Array;
  tags: Float32Array;
}

export class GeneratorService {
  private readonly batcher: MicroBatcher<Item>;
  private readonly slots: Slot[] = [];
  private readonly perSlot: { batches: number; images: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private batches = 0;
  private images = 0;
  private crashes = 0;
  private msPerImage: number;
  private deadError: Error | undefined;

  private constructor(
    private readonly modelMap: Map<string, ModelSummary>,
    private readonly formerIds: Map<string, string>,
    readonly defaultModelId: string,
    private readonly options: Required<Pick<GeneratorServiceOptions, 'maxBatch' | 'maxWaitMs' | 'maxQueue' | 'maxQueuePerOwner'>> & {
      log: GanLogger | undefined;
    },
    planned: BackendName,
  ) {
    // A batch holds at most maxBatch 64 px images' worth of pixels (batcher.ts): a quarter as
    // many images at 128 px; a smaller model's batches are not made larger than maxBatch.
    const weightOf = (id: string) => Math.max(1, ((modelMap.get(id)?.imageSize ?? 64) / 64) ** 2);
    this.batcher = new MicroBatcher<Item>(options.maxBatch, options.maxWaitMs, weightOf);
    this.msPerImage = INITIAL_MS_PER_IMAGE[planned];
  }

  /** Reads the models' metadata, starts the workers and waits until all are ready. */
  static async create(options: GeneratorServiceOptions): Promise<GeneratorService> {
    const { models, formerIds, defaultModelId } = await readServedModels(options);

    const preference = options.backend ?? 'auto';
    const planned = plannedBackend(preference);
    const workers = options.workers ?? defaultWorkerCount(planned);
    if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a whole number ≥ 0, got ${workers}`);
    const service = new GeneratorService(
      models,
      formerIds,
      defaultModelId,
      {
        maxBatch: options.maxBatch ?? Math.max(1, Math.floor(POOL_BATCH_BUDGET / Math.max(1, workers))),
        maxWaitMs: options.maxWaitMs ?? 4,
        maxQueue: options.maxQueue ?? 512,
        maxQueuePerOwner: options.maxQueuePerOwner ?? 64,
        log: options.log,
      },
      planned,
    );
    const hooks: SlotHooks = {
      onIdle: () => service.slotIdle(),
      onDead: (e) => service.slotDied(e),
      ...(options.log ? { log: options.log } : {}),
    };
    // ONNX Runtime's intra-op threads share the cores among the workers (GFF_ORT_THREADS overrides).
    const threads = Number(process.env['GFF_ORT_THREADS']) || Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, workers)));
    // Only the default model's session is built at start; the others' on their first batch, and
    // released when idle (issue 33: every session held from start took five models past 350 MB).
    const lazy = {
      resident: [defaultModelId],
      idleMs: options.modelIdleMs ?? DEFAULT_MODEL_IDLE_MS,
      maxLoaded: options.maxOtherModels ?? DEFAULT_MAX_OTHER_MODELS,
    };
    if (!(lazy.idleMs >= 0)) throw new RangeError(`modelIdleMs must be ≥ 0, got ${lazy.idleMs}`);
    if (!Number.isInteger(lazy.maxLoaded) || lazy.maxLoaded < 0) throw new RangeError(`maxOtherModels must be a whole number ≥ 0, got ${lazy.maxLoaded}`);
    const init = { modelDirs: [...models.values()].map((m) => m.dir), backend: preference, threads, lazy };
    if (workers === 0) service.addSlot(new InProcessSlot(init, hooks));
    for (let i = 0; i < workers; i++) {
      const faults = options.faultInjection ?? {};
      const slotInit = {
        ...init,
        ...faults,
        ...(options.batchTimeoutMs !== undefined ? { batchTimeoutMs: options.batchTimeoutMs } : {}),
        ...(options.pipelineDepth !== undefined ? { pipelineDepth: options.pipelineDepth } : {}),
        ...(options.restartBackoff ? { restartBackoff: options.restartBackoff } : {}),
      };
      service.addSlot(new WorkerSlot(i, slotInit, hooks));
    }
    try {
      await Promise.all(service.slots.map((s) => s.ready));
    } catch (e) {
      await service.close();
      throw e;
    }
    const b = service.backend;
    options.log?.info({ backend: b?.name, workers, models: [...models.keys()] }, b?.reason ?? 'generator started');
    return service;
  }

  private addSlot(slot: Slot): void {
    this.slots.push(slot);
    this.perSlot.push({ batches: 0, images: 0 });
  }

  /** The backend the (first) worker chose, with the reason, for the start-up log. */
  get backend(): BackendChoice | undefined {
    return this.slots.find((s) => s.backend)?.backend;
  }

  /** id → metadata, including the vocabulary for parsing tags in this thread. */
  models(): ReadonlyMap<string, ModelSummary> {
    return this.modelMap;
  }

  /** The id of the model `id` names now: its own, or the model's that has it as a former id. */
  resolveId(id: string): string | undefined {
    return resolveModelId({ models: this.modelMap, formerIds: this.formerIds }, id);
  }

  /** A model's metadata (by id or former id); GeneratorError 'unknown_model' naming the known ids otherwise. */
  model(id: string = this.defaultModelId): ModelSummary {
    const resolved = this.resolveId(id);
    const m = resolved === undefined ? undefined : this.modelMap.get(resolved);
    if (!m) {
      const models = [...this.modelMap.keys()].join(', ');
      throw new GeneratorError('unknown_model', `There is no model "${id}"; available: ${models}.`, errorDetail('model.none', { model: id, models }));
    }
    return m;
  }

  /**
   * Draws one picture per request, in order. Rejects with BusyError when the queue cannot
   * take them now, GeneratorError for unknown models, malformed vectors, worker crashes or
   * shutdown. The whole call fails if any of its pictures fails. Calls of different
   * `options.owner`s share the generator fairly, one batch a turn (batcher.ts).
   */
  generate(requests: readonly GenerateRequest[], options: GenerateOptions = {}): Promise<RawImage[]> {
    try {
      return this.enqueue(requests, options.owner);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private enqueue(requests: readonly GenerateRequest[], owner: string | undefined): Promise<RawImage[]> {
    if (this.closed) throw new GeneratorError('closed', 'The generator is shutting down; please try again in a moment.');
    if (this.deadError) throw new GeneratorError('out_of_order', `The generator is out of order: ${this.deadError.message}`);
    const resolved = requests.map((r, i) => {
      const m = this.model(r.modelId);
      if (!(r.z instanceof Float32Array) || r.z.length !== m.zDim) {
        throw new GeneratorError('bad_request', `Request ${i}: z must be a Float32Array of ${m.zDim} values for model "${m.id}".`);
      }
      if (!(r.tags instanceof Float32Array) || r.tags.length !== m.numTags) {
        throw new GeneratorError('bad_request', `Request ${i}: tags must be a Float32Array of ${m.numTags} values for model "${m.id}".`);
      }
      if (!r.z.every(Number.isFinite) || !r.tags.every((v) => v >= 0 && v <= 1)) {
        throw new GeneratorError('bad_request', `Request ${i}: z must be finite and tag values within [0, 1].`);
      }
      return { modelId: m.id, z: r.z, tags: r.tags };
    });
    const n = resolved.length;
    if (n === 0) return Promise.resolve([]);
    const { maxQueue } = this.options;
    if (n > maxQueue) {
      throw new GeneratorError(
        'request_too_large',
        `At most ${maxQueue} pictures can be requested at once (asked for ${n}).`,
        errorDetail('generator.too_many', { max: maxQueue, count: n }),
      );
    }
    if (this.batcher.length + n > maxQueue) throw new BusyError(this.retryAfterMs(n));
    const own = owner === undefined ? 0 : this.batcher.queuedOf(owner);
    if (own > 0 && own + n > this.options.maxQueuePerOwner) throw new BusyError(this.ownRetryAfterMs(own), own);

    return new Promise<RawImage[]>((resolve, reject) => {
      const ticket: Ticket = { images: new Array<RawImage>(n), remaining: n, resolve, reject, done: false };
      const now = performance.now();
      this.batcher.push(resolved.map((r, index) => ({ ...r, ticket, index, enqueuedAt: now, ...(owner !== undefined ? { owner } : {}) })));
      this.pump();
    });
  }

  /** Time until `n` more images would fit, from recent throughput. */
  private retryAfterMs(n: number): number {
    const live = Math.max(1, this.slots.filter((s) => s.state === 'idle' || s.state === 'busy').length);
    const mustLeave = this.batcher.length + n - this.options.maxQueue + this.inFlight;
    return Math.min(60_000, Math.max(100, Math.ceil((mustLeave * this.msPerImage) / live)));
  }

  /** Time until `own` waiting images of one owner have been drawn, at their fair share of the workers. */
  private ownRetryAfterMs(own: number): number {
    const live = Math.max(1, this.slots.filter((s) => s.state === 'idle' || s.state === 'busy').length);
    return Math.min(60_000, Math.max(100, Math.ceil((own * this.batcher.owners * this.msPerImage) / live)));
  }

  /** Starts every due batch on an idle slot; arms a timer for the next one that will be due. */
  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (;;) {
      const modelId = this.batcher.nextModelId();
      if (modelId === undefined) return;
      const slotIndex = this.slotFor(modelId);
      if (slotIndex < 0) return;
      const due = this.batcher.dueIn(performance.now())!;
      if (due > 0) {
        this.timer = setTimeout(() => this.pump(), Math.ceil(due));
        return;
      }
      const batch = this.batcher.take(performance.now())!;
      const items = batch.items.filter((it) => !it.ticket.done);
      if (items.length > 0) this.dispatch(slotIndex, batch.modelId, items);
    }
  }

  /**
   * The slot for a batch of `modelId`, or -1 while it must wait. The default model's batches go
   * to any idle slot (leastQueuedIdleSlot); another model's only to the first slot, so that one
   * worker, not every worker, builds and holds its session (each copy is tens of MiB: a session
   * pool per worker, session-pool.ts) — unless the first slot is out of order, when any may.
   * Such a batch at the head of the queue waits for the first slot, and the batches behind it
   * with it: for one batch's time (tens of ms), while someone draws an old share code.
   */
  private slotFor(modelId: string): number {
    const first = this.slots[0];
    if (modelId === this.defaultModelId || !first || first.state === 'dead' || first.state === 'closed') {
      return this.leastQueuedIdleSlot();
    }
    return first.state === 'idle' ? 0 : -1;
  }

  /**
   * The idle slot with the fewest batches already sent to it (the first of equals), or -1. With
   * a pipeline depth of 2 a slot stays idle while it holds one batch: taking the first idle one
   * sent a 9-tile grid's first two batches (4 + 4) to the same worker while the other drew one
   * image, so two single-threaded workers drew it in 8 images' time instead of 5.
   */
  private leastQueuedIdleSlot(): number {
    let best = -1;
    this.slots.forEach((s, i) => {
      if (s.state === 'idle' && (best < 0 || s.queued < this.slots[best]!.queued)) best = i;
    });
    return best;
  }

  private dispatch(slotIndex: number, modelId: string, items: Item[]): void {
    const slot = this.slots[slotIndex]!;
    const m = this.modelMap.get(modelId)!;
    const width = m.zDim + m.numTags;
    // One row per image: z, then tags. Transferred to the worker (not copied).
    const input = new Float32Array(items.length * width);
    items.forEach((it, row) => {
      input.set(it.z, row * width);
      input.set(it.tags, row * width + m.zDim);
    });
    this.inFlight += items.length;
    const started = performance.now();
    // Book-keeping first, so stats() is exact by the time a caller sees its pictures.
    const settle = () => {
      this.inFlight -= items.length;
      this.running.delete(run);
    };
    const run: Promise<void> = slot
      .run({ modelId, count: items.length, input })
      .then(
        (pixels) => {
          settle();
          const ms = (performance.now() - started) / items.length;
          this.msPerImage = 0.8 * this.msPerImage + 0.2 * ms;
          this.batches++;
          this.images += items.length;
          this.perSlot[slotIndex]!.batches++;
          this.perSlot[slotIndex]!.images += items.length;
          const images = splitImages(pixels, items.length, m.imageSize);
          items.forEach((it, i) => this.deliver(it, images[i]!));
        },
        (e: Error) => {
          settle();
          if (e instanceof GeneratorError && e.code === 'not_started') {
            // Queued behind a batch that crashed or hung: it never ran, so it waits for the next
            // worker — unless no worker is left, where it fails like everything queued.
            if (!this.deadError) {
              this.batcher.push(items.filter((it) => !it.ticket.done));
              return;
            }
            e = new GeneratorError('out_of_order', `The generator is out of order: ${this.deadError.message}`);
          }
          if (e instanceof GeneratorError && (e.code === 'worker_crashed' || e.code === 'worker_timeout')) this.crashes++;
          // The operator's line for a model that failed its first load (its users get the error).
          if (e instanceof GeneratorError && e.code === 'model_unavailable') this.options.log?.warn({ model: modelId, err: e.message }, e.message);
          for (const t of new Set(items.map((it) => it.ticket))) this.fail(t, e);
        },
      )
      .finally(() => this.pump());
    this.running.add(run);
  }

  private deliver(item: Item, image: RawImage): void {
    const t = item.ticket;
    if (t.done) return;
    t.images[item.index] = image;
    if (--t.remaining === 0) {
      t.done = true;
      t.resolve(t.images);
    }
  }

  private fail(ticket: Ticket, e: Error): void {
    if (ticket.done) return;
    ticket.done = true;
    this.batcher.remove((it) => it.ticket === ticket);
    ticket.reject(e);
  }

  /** A slot can take work: a revived one ends "out of order". */
  private slotIdle(): void {
    if (this.deadError) {
      this.options.log?.warn({}, 'generator back in order: a worker was revived');
      this.deadError = undefined;
    }
    this.pump();
  }

  private slotDied(e: Error): void {
    this.options.log?.error({ err: e.message }, 'generator slot is out of order');
    if (this.slots.some((s) => s.state !== 'dead' && s.state !== 'closed')) return;
    // No slot left: nothing queued can ever run.
    this.deadError = e;
    for (const it of this.batcher.remove(() => true)) this.fail(it.ticket, new GeneratorError('out_of_order', `The generator is out of order: ${e.message}`));
  }

  stats(): GeneratorStats {
    return {
      backend: this.backend?.name,
      workers: this.slots.map((s, i) => ({ index: s.index, state: s.state, numTensors: s.numTensors, ...this.perSlot[i]! })),
      batches: this.batches,
      images: this.images,
      queueLength: this.batcher.length,
      queuedOwners: this.batcher.owners,
      inFlight: this.inFlight,
      msPerImage: this.msPerImage,
      crashes: this.crashes,
      defaultModelBatch: this.batcher.limitOf(this.defaultModelId),
    };
  }

  /**
   * Stops taking requests, rejects queued ones ('closed'), lets running batches finish
   * (up to timeoutMs), then ends the workers. Safe to call twice.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.closed) {
      this.closed = true;
      const err = new GeneratorError('closed', 'The generator shut down before this picture was drawn; please try again.');
      for (const it of this.batcher.remove(() => true)) this.fail(it.ticket, err);
    }
    if (this.running.size > 0) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => (timeout = setTimeout(r, timeoutMs)))]);
      clearTimeout(timeout);
    }
    await Promise.all(this.slots.map((s) => s.close()));
  }
}
