/**
 * The generation queue's batching rule, free of threads and tfjs: which waiting images go
 * into the next forward pass, and when it is due.
 *
 * Fair across users, not across requests: each item names its `owner` (a user; items without
 * one share a single anonymous owner), and owners take turns by deficit round-robin. An
 * owner's turn is worth one batch (maxBatch 64 px images' worth), so while two owners both
 * wait, neither has been served more than one batch beyond the other — twelve 25-tile grids
 * advance side by side instead of one after another. An owner that had nothing waiting and
 * arrives with no more than one turn's worth (a sparse flow, as in FQ-CoDel's new flows) goes
 * before the owners already taking turns, for that one turn: a single picture asked for
 * behind a wall of grids is in the next batch, not after them. Within an owner, items keep
 * their arrival order.
 *
 * A batch holds one model's items, up to that model's limit, and it is due when that many
 * are waiting or when the oldest item has waited maxWaitMs.
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
  /** Who asked (a user id): the unit of fairness. Items without one share one owner. */
  owner?: string;
}

export interface Batch<T extends BatchItem> {
  modelId: string;
  items: T[];
}

/** One owner's waiting items and its place in the round. */
interface Flow<T> {
  owner: string;
  /** Arrival order. */
  items: T[];
  /** Weight (64 px images) it may still be served in its current turn. */
  deficit: number;
  /** Whether its turn has begun (the quantum was granted and not yet spent). */
  inTurn: boolean;
  /** In `fresh` (had nothing waiting before) rather than `taking` turns. */
  fresh: boolean;
}

const ANONYMOUS = '';

export class MicroBatcher<T extends BatchItem> {
  private readonly flows = new Map<string, Flow<T>>();
  /** Owners that had nothing waiting when they arrived: served first, for one turn each. */
  private fresh: Flow<T>[] = [];
  /** Owners taking turns, the current one first. */
  private taking: Flow<T>[] = [];
  private count = 0;
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

  /** Weight of one image in the round: as in limitOf, a model heavier than a batch counts as a whole batch. */
  private weight(modelId: string): number {
    return Math.min(this.maxBatch, Math.max(1, this.weightOf(modelId)));
  }

  get length(): number {
    return this.count;
  }

  /** Items of `owner` waiting (undefined: the anonymous owner's). */
  queuedOf(owner: string | undefined): number {
    return this.flows.get(owner ?? ANONYMOUS)?.items.length ?? 0;
  }

  /** Owners with items waiting. */
  get owners(): number {
    return this.flows.size;
  }

  push(items: readonly T[]): void {
    const arrived: Flow<T>[] = [];
    for (const it of items) {
      const owner = it.owner ?? ANONYMOUS;
      let flow = this.flows.get(owner);
      if (!flow) {
        flow = { owner, items: [], deficit: 0, inTurn: false, fresh: true };
        this.flows.set(owner, flow);
        arrived.push(flow);
      }
      flow.items.push(it);
      this.count++;
      this.perModel.set(it.modelId, (this.perModel.get(it.modelId) ?? 0) + 1);
    }
    // An owner arriving with no more than one turn's worth (a picture, a small grid) goes
    // first; one arriving with more joins the back of the round like everyone else.
    for (const flow of arrived) {
      const weight = flow.items.reduce((sum, it) => sum + this.weight(it.modelId), 0);
      flow.fresh = weight <= this.maxBatch;
      (flow.fresh ? this.fresh : this.taking).push(flow);
    }
  }

  /** The owner whose turn it is (fresh owners first). */
  private front(): Flow<T> | undefined {
    return this.fresh[0] ?? this.taking[0];
  }

  /** The model of the batch that goes next (the front owner's first item's), undefined when the queue is empty. */
  nextModelId(): string | undefined {
    return this.front()?.items[0]?.modelId;
  }

  /** Milliseconds until a batch is due: 0 now, undefined when the queue is empty. */
  dueIn(now: number): number | undefined {
    const head = this.front()?.items[0];
    if (!head) return undefined;
    if ((this.perModel.get(head.modelId) ?? 0) >= this.limitOf(head.modelId)) return 0;
    let oldest = head.enqueuedAt;
    for (const f of this.flows.values()) oldest = Math.min(oldest, f.items[0]!.enqueuedAt);
    return Math.max(0, oldest + this.maxWaitMs - now);
  }

  /** The due batch, removed from the queue; undefined when none is due at `now`. */
  take(now: number, force = false): Batch<T> | undefined {
    const due = this.dueIn(now);
    if (due === undefined || (due > 0 && !force)) return undefined;
    const modelId = this.front()!.items[0]!.modelId;
    const limit = this.limitOf(modelId);
    const w = this.weight(modelId);
    const items: T[] = [];
    // Owners with nothing more of this model to give (or no turn left for it) in this batch.
    const passed = new Set<Flow<T>>();
    while (items.length < limit) {
      const flow = this.fresh.find((f) => !passed.has(f)) ?? this.taking.find((f) => !passed.has(f));
      if (!flow) break;
      if (!flow.inTurn) {
        // A turn is worth one batch; a model heavier than that still gets one image a turn.
        flow.deficit += Math.max(this.maxBatch, this.weight(flow.items[0]!.modelId));
        flow.inTurn = true;
      }
      const before = items.length;
      for (let i = 0; i < flow.items.length && items.length < limit && flow.deficit >= w; ) {
        if (flow.items[i]!.modelId === modelId) {
          items.push(flow.items.splice(i, 1)[0]!);
          flow.deficit -= w;
        } else i++;
      }
      this.count -= items.length - before;
      if (flow.items.length === 0) this.forget(flow);
      else if (flow.deficit < this.weight(flow.items[0]!.modelId)) this.endTurn(flow);
      else if (items.length < limit) passed.add(flow); // its turn goes on, with another model
    }
    this.perModel.set(modelId, this.perModel.get(modelId)! - items.length);
    return { modelId, items };
  }

  /** Removes and returns the items matching `pred` (e.g. a cancelled request's). */
  remove(pred: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (const flow of [...this.flows.values()]) {
      const gone = flow.items.filter(pred);
      if (gone.length === 0) continue;
      flow.items = flow.items.filter((it) => !pred(it));
      removed.push(...gone);
      if (flow.items.length === 0) this.forget(flow);
      else if (flow.inTurn && flow.deficit < this.weight(flow.items[0]!.modelId)) this.endTurn(flow);
    }
    for (const it of removed) this.perModel.set(it.modelId, this.perModel.get(it.modelId)! - 1);
    this.count -= removed.length;
    return removed;
  }

  /**
   * The flow spent its turn: to the back of the round, what is left of its deficit kept (DRR).
   * A fresh owner's turn ahead of the round was an advance on its turn in the round: it is
   * paid back (that turn is skipped), so asking for a little and then a lot gains nothing.
   */
  private endTurn(flow: Flow<T>): void {
    flow.inTurn = false;
    this.detach(flow);
    if (flow.fresh) flow.deficit -= this.maxBatch;
    flow.fresh = false;
    this.taking.push(flow);
  }

  /** Nothing left: the owner leaves the round, and comes back fresh. */
  private forget(flow: Flow<T>): void {
    this.detach(flow);
    this.flows.delete(flow.owner);
  }

  private detach(flow: Flow<T>): void {
    if (flow.fresh) this.fresh = this.fresh.filter((f) => f !== flow);
    else this.taking = this.taking.filter((f) => f !== flow);
  }
}
