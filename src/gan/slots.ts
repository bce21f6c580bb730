/**
 * Execution slots of the GeneratorService: something that runs one batch at a time (a worker
 * slot can hold the next one ready beside it: pipelineDepth).
 * WorkerSlot owns a worker thread (restarted after a crash); InProcessSlot runs the engine
 * on the calling thread (workers: 0, for tests and the CLI).
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../util/spawn-worker.ts';
import type { BackendChoice, GanLogger } from './backend.ts';
import type { BackendPreference } from './backend-plan.ts';
import { GeneratorError } from './errors.ts';
import type { Engine } from './engine.ts';
import type { LazyModels } from './session-pool.ts';
import { reviveError, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol.ts';

export type SlotState = 'starting' | 'idle' | 'busy' | 'dead' | 'closed';

export interface SlotRun {
  modelId: string;
  count: number;
  input: Float32Array;
}

export interface Slot {
  readonly index: number;
  readonly state: SlotState;
  readonly backend: BackendChoice | undefined;
  /** Live tensors in the slot's thread, as of its last report. */
  readonly numTensors: number;
  /** Resolves when the slot can take work; rejects when it cannot start at all. */
  readonly ready: Promise<void>;
  /** Batches sent to it and not yet answered (the one running and those ready behind it). */
  readonly queued: number;
  run(batch: SlotRun): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface SlotHooks {
  /** The slot became idle (started, restarted or finished a batch). */
  onIdle(): void;
  /** The slot gave up (start-up failure or too many crashes in a row). */
  onDead(error: Error): void;
  log?: GanLogger;
}

/** Crashes in a row (without a successful batch between) before a slot is out of order for a while. */
const MAX_CONSECUTIVE_CRASHES = 5;

/** Default longest a batch may take before its worker is taken for hung (scaled up for batches over 32). */
export const DEFAULT_BATCH_TIMEOUT_MS = 30_000;
/** Least time a worker inside ONNX Runtime is given to come back before it is ended (endWhenOutOfNative). */
const NATIVE_RUN_GRACE_MS = 30_000;

/** Restart delays after crashes: baseMs, 2·baseMs, 4·baseMs, … capped at maxMs. */
export interface RestartBackoff {
  baseMs: number;
  maxMs: number;
}
export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { baseMs: 100, maxMs: 60_000 };

export interface WorkerSlotInit {
  modelDirs: string[];
  backend: BackendPreference;
  threads?: number;
  lazy?: LazyModels;
  /** A batch not answered within this (ms, per 32 images or fewer) ends its worker: 'worker_timeout'. */
  batchTimeoutMs?: number;
  restartBackoff?: RestartBackoff;
  /** Test hooks (worker-protocol.ts): armed in the first `crashingStarts` (default 1) workers of the slot. */
  crashOnBatch?: number;
  hangOnBatch?: number;
  crashingStarts?: number;
  /**
   * Batches sent to the worker before the earlier ones are answered (default 1: one at a time).
   * At 2 the worker starts the next batch the moment one ends instead of waiting for the main
   * thread to hand it over; on 2 CPU cores at 128 px that measured no faster (README, "Speed"),
   * so it is an option for hosts where a batch is short beside the main thread's turnaround.
   */
  pipelineDepth?: number;
}

/** A batch sent to the worker and not yet answered; only the oldest one's timer runs. */
interface PendingBatch {
  batchId: number;
  timeoutMs: number;
  resolve(p: Uint8Array): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export class WorkerSlot implements Slot {
  state: SlotState = 'starting';
  backend: BackendChoice | undefined;
  numTensors = 0;
  ready!: Promise<void>;
  /** How many times this slot's worker was (re)started. */
  starts = 0;
  private worker: Worker | undefined;
  /** The current worker's flag: 1 while ONNX Runtime runs a batch natively (worker-protocol.ts). */
  private inNativeRun = new Int32Array(new SharedArrayBuffer(8));
  /** Workers that timed out inside a native run: replaced, and ended once their run returns. */
  private readonly detached = new Map<Worker, Int32Array>();
  /** Sent batches in the order the worker runs them (it runs them one after another). */
  private pending: PendingBatch[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private nextBatchId = 1;
  private crashes = 0;

  constructor(
    readonly index: number,
    private readonly init: WorkerSlotInit,
    private readonly hooks: SlotHooks,
  ) {
    this.start();
  }

  private start(): void {
    this.starts++;
    this.state = 'starting';
    this.inNativeRun = new Int32Array(new SharedArrayBuffer(8));
    const data: WorkerInit = {
      inNativeRun: this.inNativeRun.buffer as SharedArrayBuffer,
      modelDirs: this.init.modelDirs,
      backend: this.init.backend,
      ...(this.init.threads ? { threads: this.init.threads } : {}),
      ...(this.init.lazy ? { lazy: this.init.lazy } : {}),
      // The fault-injection hooks arm only the first worker(s), so a restart is healthy.
      ...(this.starts <= (this.init.crashingStarts ?? 1) && this.init.crashOnBatch ? { crashOnBatch: this.init.crashOnBatch } : {}),
      ...(this.starts <= (this.init.crashingStarts ?? 1) && this.init.hangOnBatch ? { hangOnBatch: this.init.hangOnBatch } : {}),
    };
    const worker = spawnWorker(new URL('./generator-worker.ts', import.meta.url), data, { bundle: true });
    this.worker = worker;
    let settle: { resolve(): void; reject(e: Error): void };
    this.ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.ready.catch(() => {}); // observed by the service; never an unhandled rejection

    worker.on('message', (msg: FromWorker) => {
      if (worker !== this.worker) {
        // A detached worker's late answer: its native run is over and it starts no other (it was
        // told so), so it is ended as soon as it is out of native code.
        const flag = this.detached.get(worker);
        if (flag && (msg.type === 'result' || msg.type === 'failed')) {
          this.detached.delete(worker);
          void this.endWhenOutOfNative(worker, flag);
          this.hooks.log?.info({ worker: this.index, batchId: msg.batchId }, 'a timed-out batch finished late; its worker is ended');
        }
        return;
      }
      switch (msg.type) {
        case 'ready':
          this.backend = msg.backend;
          this.numTensors = msg.numTensors;
          this.state = 'idle';
          settle.resolve();
          this.hooks.onIdle();
          break;
        case 'fatal': {
          // Deterministic start-up failure (bad model, no backend): restarting cannot help.
          const error = reviveError(msg.error);
          this.state = 'dead';
          this.worker = undefined;
          void worker.terminate();
          settle.reject(error);
          this.hooks.onDead(error);
          break;
        }
        case 'result':
        case 'failed': {
          const p = this.pending[0];
          if (!p || p.batchId !== msg.batchId) return;
          this.pending.shift();
          clearTimeout(p.timer);
          this.armHead(worker);
          this.numTensors = msg.numTensors;
          this.state = 'idle';
          if (msg.type === 'result') {
            this.crashes = 0;
            p.resolve(msg.pixels);
          } else p.reject(reviveError(msg.error));
          this.hooks.onIdle();
          break;
        }
      }
    });
    const crashed = (why: string, end = true, headAnswered = false) => {
      if (worker !== this.worker || this.state === 'closed') return;
      this.worker = undefined;
      if (end) void worker.terminate();
      this.crashes++;
      this.hooks.log?.error({ worker: this.index, why, crashes: this.crashes }, 'generator worker crashed');
      // The batch the worker was running fails; those queued behind it never started, so the
      // service draws them again on the next worker (not_started) instead of failing them.
      // After a timeout the running one has been answered already: all that is left never ran.
      const sent = this.pending.splice(0);
      sent.forEach((p, i) => {
        clearTimeout(p.timer);
        p.reject(
          i === 0 && !headAnswered
            ? new GeneratorError('worker_crashed', 'The image generator crashed while drawing this picture; please try again.')
            : new GeneratorError('not_started', 'The generator worker ended before this batch started; it is drawn again.'),
        );
      });
      if (this.state === 'starting') settle.reject(new GeneratorError('worker_start_failed', `Generator worker ${this.index} failed to start: ${why}`));
      // Back off on repeated crashes: 0.1 s, 0.2 s, 0.4 s, … up to a minute, and never give up for good.
      const { baseMs, maxMs } = this.init.restartBackoff ?? DEFAULT_RESTART_BACKOFF;
      const delay = Math.min(maxMs, baseMs * 2 ** Math.min(30, this.crashes - 1));
      if (this.crashes >= MAX_CONSECUTIVE_CRASHES) {
        // Out of order for a while: the service fails fast meanwhile instead of queueing.
        this.state = 'dead';
        this.hooks.onDead(new GeneratorError('worker_crashed', `Generator worker ${this.index} crashed ${this.crashes} times in a row (${why}).`));
        this.hooks.log?.warn({ worker: this.index, crashes: this.crashes, inMs: delay }, `generator worker ${this.index}: reviving in ${delay} ms`);
      } else this.state = 'starting';
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.state !== 'closed') this.start();
      }, delay);
    };
    worker.on('error', (err) => crashed(err.message));
    worker.on('exit', (code) => {
      this.detached.delete(worker);
      crashed(`exited with code ${code}`);
    });
    this.replaceHung = (why) => {
      if (worker !== this.worker) return;
      if (Atomics.load(this.inNativeRun, 0) === 1) {
        // Inside ONNX Runtime: ending the thread now would abort the process. A fresh worker
        // takes over; this one is ended when its run returns (the 'message' handler above).
        Atomics.store(this.inNativeRun, 1, 1); // given up: run nothing more that is queued in it
        this.detached.set(worker, this.inNativeRun);
        crashed(why, false, true);
      } else crashed(why, true, true);
    };
  }

  /** Replaces the current worker after a batch timed out (set by start() for its worker). */
  private replaceHung: (why: string) => void = () => {};

  private get depth(): number {
    return Math.max(1, this.init.pipelineDepth ?? 1);
  }

  get queued(): number {
    return this.pending.length;
  }

  run(batch: SlotRun): Promise<Uint8Array> {
    const worker = this.worker;
    if (this.state !== 'idle' || !worker) {
      return Promise.reject(new GeneratorError('generation_failed', `Generator worker ${this.index} is not ready (${this.state}).`));
    }
    const batchId = this.nextBatchId++;
    const timeoutMs = (this.init.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS) * Math.max(1, batch.count / 32);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.push({ batchId, timeoutMs, resolve, reject, timer: undefined });
      if (this.pending.length >= this.depth) this.state = 'busy';
      this.armHead(worker);
      const msg: ToWorker = { type: 'run', batchId, modelId: batch.modelId, count: batch.count, input: batch.input };
      worker.postMessage(msg, [batch.input.buffer as ArrayBuffer]);
    });
  }

  /**
   * Starts the timeout of the oldest sent batch, the one the worker is running: a batch queued
   * behind it is timed from when its turn comes. A worker that stops answering (a hung
   * backend) would hold every later batch: it is replaced after the timeout, and every batch
   * sent to it fails (the first with worker_timeout, the others with worker_crashed).
   */
  private armHead(worker: Worker): void {
    const head = this.pending[0];
    if (!head || head.timer) return;
    head.timer = setTimeout(() => {
      if (this.pending[0] !== head) return;
      this.pending.shift();
      const seconds = Math.round(head.timeoutMs / 100) / 10;
      this.hooks.log?.error({ worker: this.index, batchId: head.batchId, timeoutMs: head.timeoutMs }, 'generator worker did not answer: restarting it');
      head.reject(new GeneratorError('worker_timeout', `The image generator did not answer within ${seconds} s and has been restarted; please try again.`));
      if (worker === this.worker) this.replaceHung(`batch ${head.batchId} timed out after ${seconds} s`);
    }, head.timeoutMs);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.restartTimer);
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(new GeneratorError('closed', 'The generator shut down before this picture was drawn.'));
    }
    const endings = [...this.detached].map(([d, flag]) => this.endWhenOutOfNative(d, flag));
    this.detached.clear();
    if (w) endings.push(this.endWhenOutOfNative(w, this.inNativeRun));
    await Promise.all(endings);
  }

  /**
   * Ends a worker once it is out of ONNX Runtime's native code. Terminating it, or letting the
   * process exit, while it is inside aborts the process (SIGABRT, Napi::Error), so this waits
   * for the run to come back: up to the batch timeout, and never less than NATIVE_RUN_GRACE_MS
   * (a run that timed out at a short budget still finishes in seconds). One still inside after
   * that is hung for good: it is unreferenced, and the exit then cannot be clean.
   */
  private async endWhenOutOfNative(w: Worker, inNativeRun: Int32Array): Promise<void> {
    const deadline = Date.now() + Math.max(this.init.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS, NATIVE_RUN_GRACE_MS);
    while (Atomics.load(inNativeRun, 0) === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (Atomics.load(inNativeRun, 0) === 1) {
      this.hooks.log?.warn({ worker: this.index }, 'generator worker still inside ONNX Runtime at shutdown: left to the process exit');
      w.unref();
      return;
    }
    await w.terminate();
  }
}

export class InProcessSlot implements Slot {
  readonly index = 0;
  state: SlotState = 'starting';
  readonly ready: Promise<void>;
  private engine: Engine | undefined;

  constructor(
    init: { modelDirs: string[]; backend: BackendPreference; threads?: number; lazy?: LazyModels },
    private readonly hooks: SlotHooks,
  ) {
    this.ready = (async () => {
      // Loaded on demand so that a service with workers never loads a runtime in this thread.
      const { createEngine } = await import('./engine.ts');
      this.engine = await createEngine({ ...init, ...(hooks.log ? { log: hooks.log } : {}) });
      this.state = 'idle';
    })();
    this.ready.then(
      () => hooks.onIdle(),
      (e: Error) => {
        this.state = 'dead';
        hooks.onDead(e);
      },
    );
  }

  get backend(): BackendChoice | undefined {
    return this.engine?.backend;
  }

  get numTensors(): number {
    return this.engine?.numTensors() ?? 0;
  }

  get queued(): number {
    return this.state === 'busy' ? 1 : 0;
  }

  async run(batch: SlotRun): Promise<Uint8Array> {
    if (this.state !== 'idle' || !this.engine) throw new GeneratorError('generation_failed', `The generator is not ready (${this.state}).`);
    this.state = 'busy';
    try {
      return await this.engine.run(batch.modelId, batch.input, batch.count);
    } finally {
      if (this.state === 'busy') {
        this.state = 'idle';
        // After the caller's continuation has seen the result, offer the slot again.
        queueMicrotask(() => this.hooks.onIdle());
      }
    }
  }

  async close(): Promise<void> {
    await this.ready.catch(() => {});
    this.state = 'closed';
    await this.engine?.dispose();
    this.engine = undefined;
  }
}
