/**
 * Which loaded models one thread holds (ort-engine.ts keeps its ONNX Runtime sessions here).
 * Every served model costs its session's memory for as long as the session lives (issue 33:
 * five bundled models held at once took the worker past 350 MB), while old models are drawn
 * rarely — old share codes, favourites, another picture size. So only pinned values (the
 * default model) live from start to end; any other is loaded by its first use and released
 * when it has not been used for `idleMs`, or when more than `maxLoaded` of them are held (the
 * least recently used goes first). Free of ONNX Runtime, so its rules are tested on their own.
 *
 * - Concurrent first uses of one value share one load (one pending promise).
 * - A value is never released while a use holds it (a count of users): a batch running on a
 *   session keeps it; the release comes when the batch is done, if still due.
 * - A failed load answers with its error for `retryMs`, then is tried again: a broken model is
 *   not reloaded on every request, nor refused for ever (its file may be restored).
 */

/** Which models load on first use, and when they are released (GFF_MODEL_IDLE_S, GFF_MAX_OTHER_MODELS). */
export interface LazyModels {
  /** Loaded at start-up and held to the end: the default model. */
  resident: readonly string[];
  /** Another model's session unused this long is released (ms; 0: never). */
  idleMs: number;
  /** Most sessions of other models held at once; past it the least recently used idle one is released. */
  maxLoaded: number;
}

/** Defaults of GFF_MODEL_IDLE_S and GFF_MAX_OTHER_MODELS (README, "Several models"). */
export const DEFAULT_MODEL_IDLE_MS = 300_000;
export const DEFAULT_MAX_OTHER_MODELS = 1;
/** How long a failed load is answered with its error before it is tried again. */
export const DEFAULT_RETRY_MS = 30_000;

/** How often idle values are looked for: a quarter of the idle limit, within 0.25 … 60 s. */
export function sweepPeriodMs(idleMs: number): number {
  return Math.min(60_000, Math.max(250, Math.round(idleMs / 4)));
}

export interface SessionPoolOptions<T> {
  /** Loads a value; its rejection is the users' error (and cached for retryMs). */
  load(id: string): Promise<T>;
  release(id: string, value: T): Promise<void>;
  idleMs: number;
  maxLoaded: number;
  retryMs?: number;
  /** The clock (ms); performance.now() by default. */
  now?: () => number;
}

interface Entry<T> {
  value: T | undefined;
  loading: Promise<T> | undefined;
  failed: { error: unknown; until: number } | undefined;
  /** Uses in progress, counted from before the load: a held value is never released. */
  users: number;
  lastUsed: number;
  pinned: boolean;
}

export class SessionPool<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly releasing = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Loads that succeeded (pinned values aside): for tests and the bench. */
  loads = 0;

  constructor(private readonly options: SessionPoolOptions<T>) {
    this.now = options.now ?? (() => performance.now());
    if (options.idleMs > 0 && Number.isFinite(options.idleMs)) {
      // unref: a sweep never keeps a process (or the CLI) alive.
      this.timer = setInterval(() => this.sweep(), sweepPeriodMs(options.idleMs));
      this.timer.unref();
    }
  }

  /** A value loaded by the caller, held until dispose (the default model). */
  pin(id: string, value: T): void {
    this.entries.set(id, { value, loading: undefined, failed: undefined, users: 0, lastUsed: this.now(), pinned: true });
  }

  /** Ids whose value is loaded now. */
  loaded(): string[] {
    return [...this.entries].filter(([, e]) => e.value !== undefined).map(([id]) => id);
  }

  /** Runs `fn` on the value of `id`, loading it first if it is not held. */
  async use<R>(id: string, fn: (value: T) => Promise<R>): Promise<R> {
    let e = this.entries.get(id);
    if (!e) {
      e = { value: undefined, loading: undefined, failed: undefined, users: 0, lastUsed: this.now(), pinned: false };
      this.entries.set(id, e);
    }
    e.users++;
    try {
      return await fn(e.value ?? (await this.acquire(id, e)));
    } finally {
      e.users--;
      e.lastUsed = this.now();
      // Removed (or disposed) while this use held it: the release was left to the last user.
      if (this.entries.get(id) !== e && e.users === 0) this.releaseValue(id, e);
      this.sweep();
    }
  }

  private acquire(id: string, e: Entry<T>): Promise<T> {
    if (e.failed && this.now() < e.failed.until) return Promise.reject(e.failed.error);
    if (!e.loading) {
      const loading = this.options.load(id).then(
        (value) => {
          e.value = value;
          e.failed = undefined;
          this.loads++;
          return value;
        },
        (error: unknown) => {
          e.failed = { error, until: this.now() + (this.options.retryMs ?? DEFAULT_RETRY_MS) };
          throw error;
        },
      );
      e.loading = loading;
      loading.then(
        () => this.loadSettled(e, loading),
        () => this.loadSettled(e, loading),
      );
      // The new value counts against maxLoaded from now: an idle one makes room before it is built.
      this.sweep();
    }
    return e.loading;
  }

  private loadSettled(e: Entry<T>, loading: Promise<T>): void {
    if (e.loading === loading) e.loading = undefined;
  }

  /**
   * Releases what is due at `now`: unpinned values unused for idleMs, then the least recently
   * used idle ones while more than maxLoaded are held or loading. Runs after every use and on
   * the timer; tests call it with a later `now` instead of waiting.
   */
  sweep(now: number = this.now()): void {
    const { idleMs, maxLoaded } = this.options;
    const idle = [...this.entries].filter(([, e]) => !e.pinned && e.value !== undefined && e.users === 0).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    let held = [...this.entries.values()].filter((e) => !e.pinned && (e.value !== undefined || e.loading !== undefined)).length;
    for (const [id, e] of idle) {
      if (held > maxLoaded || (idleMs > 0 && now - e.lastUsed >= idleMs)) {
        this.releaseValue(id, e);
        held--;
      }
    }
  }

  private releaseValue(id: string, e: Entry<T>): void {
    const value = e.value;
    if (value === undefined) return;
    e.value = undefined;
    const done = this.options
      .release(id, value)
      .catch(() => {}) // a release that fails leaves nothing to retry; the value is gone either way
      .finally(() => this.releasing.delete(done));
    this.releasing.add(done);
  }

  /** Forgets `id` (its model is no longer served), releasing its value when no use holds it. */
  async remove(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    await e.loading?.catch(() => {});
    if (e.users === 0) this.releaseValue(id, e);
    await Promise.all([...this.releasing]);
  }

  /** Releases everything (waiting for loads under way), and stops the timer. */
  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.entries.values()].map((e) => e.loading?.catch(() => {})));
    for (const [id, e] of this.entries) this.releaseValue(id, e);
    this.entries.clear();
    await Promise.all([...this.releasing]);
  }
}
