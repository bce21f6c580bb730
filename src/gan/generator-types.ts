/** Public types of the GeneratorService (generator-service.ts re-exports them). */
import type { BackendName, BackendPreference } from './backend-plan.ts';
import type { GanLogger } from './backend.ts';

export interface GeneratorServiceOptions {
  /** Model directories (models/<id>/) to serve. */
  modelDirs?: string[];
  /** Or a folder whose sub-directories with a card.json are the models (e.g. "models"). */
  modelsRoot?: string;
  /** Model used when a request names none (default: the first, or "default" if present). */
  defaultModelId?: string;
  backend?: BackendPreference;
  /** Worker threads; 0 runs in this thread. Default: defaultWorkerCount (2 for ONNX Runtime on CPU, cores for wasm/cpu, else 1). */
  workers?: number;
  /**
   * Most images in one forward pass (default POOL_BATCH_BUDGET, 16, divided among the workers); a
   * larger model's image counts as (size / 64)², so 4 at 128 px with one worker, 2 with two.
   */
  maxBatch?: number;
  /** How long the first queued image waits for company before its batch goes (default 4 ms). */
  maxWaitMs?: number;
  /** Most images waiting (not yet running); beyond it generate() rejects with BusyError (default 512). */
  maxQueue?: number;
  /**
   * Most images one owner (a user) may have waiting; a request past it, while some of theirs
   * wait, rejects with BusyError naming how many (default 64). One request is never refused
   * by it alone: a user with nothing waiting may ask for up to maxQueue.
   */
  maxQueuePerOwner?: number;
  /**
   * A worker that has not answered a batch within this many ms (per 32 images or fewer) is
   * taken for hung: it is ended and restarted, and the batch's requests fail with
   * GeneratorError 'worker_timeout' (default 30 000).
   */
  batchTimeoutMs?: number;
  /**
   * Batches a worker holds at once, one running and the rest waiting in it (default 1: one at a
   * time), so that it can start the next the moment one ends instead of waiting for a busy main
   * thread. A batch waiting behind one that crashes or hangs is drawn again, not failed.
   */
  pipelineDepth?: number;
  /**
   * ONNX Runtime: a model other than the default gets its session on its first batch, and it is
   * released after this many ms unused (default 300 000; 0: never), in each worker
   * (session-pool.ts). The default model's session lives from start to end.
   */
  modelIdleMs?: number;
  /** Most sessions of models other than the default that a worker holds at once (default 1); the least recently used idle one goes first. */
  maxOtherModels?: number;
  /** Restart delays of crashed workers, doubling from baseMs up to maxMs (default 100 ms … 60 s); never given up. */
  restartBackoff?: { baseMs: number; maxMs: number };
  log?: GanLogger;
  /**
   * Tests only: the first `crashingStarts` (default 1) workers of each slot throw on their
   * crashOnBatch-th batch, or never answer their hangOnBatch-th.
   */
  faultInjection?: { crashOnBatch?: number; hangOnBatch?: number; crashingStarts?: number };
}

/** Who a generate() call is for: owners share the generator fairly (batcher.ts). */
export interface GenerateOptions {
  /** A user id; calls without one share one anonymous owner (the CLI, tools). */
  owner?: string;
}

export interface GenerateRequest {
  /** Defaults to the service's default model. */
  modelId?: string;
  /** zDim values. */
  z: Float32Array;
  /** numTags values in [0, 1], in the model's tag order. */
  tags: Float32Array;
}

export type { ModelSummary } from './model-files.ts';

export interface GeneratorStats {
  backend: BackendName | undefined;
  workers: { index: number; state: string; numTensors: number; batches: number; images: number }[];
  /** Forward passes run so far, all workers. */
  batches: number;
  images: number;
  /** Images waiting for a worker. */
  queueLength: number;
  /** Owners (users) with images waiting. */
  queuedOwners: number;
  /** Images in forward passes right now. */
  inFlight: number;
  /** Recent wall time per image on one worker (moving average), ms. */
  msPerImage: number;
  /** Most images of the default model in one forward pass (maxBatch, fewer for a model larger than 64 px). */
  defaultModelBatch: number;
  /** Batches rejected by a crash so far. */
  crashes: number;
}
