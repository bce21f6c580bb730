/**
 * The generation queue's batching rule, free of threads and tfjs: items (one image each)
 * wait in arrival order; a batch is the head item's model's items, up to that model's limit,
 * and it is due when that many are waiting or when the head has waited maxWaitMs.
 *
 * maxBatch counts 64 px images. A larger model's image weighs more (`weightOf`: 4 at 128 px),
 * so its batches hold no more pixels: a forward pass's activations, and with them a worker's
 * memory, stay near what a 64 px model needs (npm run bench:rss, 20 requests of 32 images:
 * 697 MiB at 128 px in batches of 32, 332 in batches of 8, 266 in batches of 4; 255 at 64 px),
 * at no cost in images/s (the 128 px model: 7.07 ms an image at batch 1, 7.05 at 32).
 */

export interface BatchItem {
  modelId: string;
  /** performance.now() when queued. */
  enqueuedAt: number;
}

export interface Batch<T extends BatchItem> {
  modelId: string;
  items: T[];
}

export class MicroBatcher<T extends BatchItem> {
  private queue: T[] = [];
  private readonly perModel = new Map<string, number>();

  constructor(
    readonly maxBatch: number,
    readonly maxWaitMs: number,
    private readonly weightOf: (modelId: string) => number = () => 1,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a whole number ≥ 1, got ${maxBatch}`);
    if (!(maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be ≥ 0, got ${maxWaitMs}`);
  }

  /** Most images of this model in one batch: maxBatch 64 px images' worth, at least one. */
  limitOf(modelId: string): number {
    return Math.max(1, Math.floor(this.maxBatch / this.weightOf(modelId)));
  }

  get length(): number {
    return this.queue.length;
  }

  push(items: readonly T[]): void {
    for (const it of items) {
      this.queue.push(it);
      this.perModel.set(it.modelId, (this.perModel.get(it.modelId) ?? 0) + 1);
    }
  }

  /** Milliseconds until a batch is due: 0 now, undefined when the queue is empty. */
  dueIn(now: number): number | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    if ((this.perModel.get(head.modelId) ?? 0) >= this.limitOf(head.modelId)) return 0;
    return Math.max(0, head.enqueuedAt + this.maxWaitMs - now);
  }

  /** The due batch, removed from the queue; undefined when none is due at `now`. */
  take(now: number, force = false): Batch<T> | undefined {
    const due = this.dueIn(now);
    if (due === undefined || (due > 0 && !force)) return undefined;
    const modelId = this.queue[0]!.modelId;
    const limit = this.limitOf(modelId);
    const items: T[] = [];
    const rest: T[] = [];
    for (const it of this.queue) {
      if (it.modelId === modelId && items.length < limit) items.push(it);
      else rest.push(it);
    }
    this.queue = rest;
    this.perModel.set(modelId, this.perModel.get(modelId)! - items.length);
    return { modelId, items };
  }

  /** Removes and returns the items matching `pred` (e.g. a cancelled request's). */
  remove(pred: (item: T) => boolean): T[] {
    const removed = this.queue.filter(pred);
    if (removed.length === 0) return removed;
    this.queue = this.queue.filter((it) => !pred(it));
    for (const it of removed) this.perModel.set(it.modelId, this.perModel.get(it.modelId)! - 1);
    return removed;
  }
}
