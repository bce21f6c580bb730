/**
 * Per-user limit on drawing commands: at most `limit` in any `windowMs` (sliding window).
 * Two keepers behind one interface: in memory for a bot that is one process (a restart
 * forgiving everyone is harmless), and in the database when several processes share it
 * (shards, hosts), so that N processes do not give a user N times the quota.
 */
import { storeFailureKind, type RateLimitHitsRepo } from '../store/index.ts';

export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly retryAfterMs: number,
    readonly limit: number,
    readonly windowMs: number,
  ) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}

/** Gives back the use it came from (the request failed before any drawing started). */
export type Refund = () => Promise<void>;

export interface DrawLimiter {
  /** 0 disables the limit. */
  readonly limit: number;
  readonly windowMs: number;
  /** Records one use, or throws RateLimitedError saying when the next one is allowed. */
  take(userId: string): Promise<Refund>;
  /** Forgets uses older than any window (a timer calls it). */
  sweep(): Promise<void>;
}

const nothingToRefund: Refund = async () => undefined;

/** In memory: users with nothing in the window are dropped, so memory stays proportional to recent users. */
export class RateLimiter implements DrawLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async take(userId: string): Promise<Refund> {
    if (this.limit <= 0) return nothingToRefund;
    const now = this.now();
    if (now - this.lastSweep >= this.windowMs) this.forgetOld(now);
    const recent = (this.hits.get(userId) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(userId, recent);
      throw new RateLimitedError(recent[0]! + this.windowMs - now, this.limit, this.windowMs);
    }
    recent.push(now);
    this.hits.set(userId, recent);
    return async () => {
      const times = this.hits.get(userId);
      const at = times?.lastIndexOf(now) ?? -1;
      if (at >= 0) times!.splice(at, 1);
    };
  }

  async sweep(): Promise<void> {
    this.forgetOld(this.now());
  }

  get trackedUsers(): number {
    return this.hits.size;
  }

  private forgetOld(now: number): void {
    this.lastSweep = now;
    for (const [user, times] of this.hits) {
      if (!times.some((t) => t > now - this.windowMs)) this.hits.delete(user);
    }
  }
}

/**
 * In the database (table rate_limit_hits): one limit for every process that shares it. While
 * the database is not answering the limit lets commands through (`onStoreFailure` hears of
 * it): the limit shares the generator fairly, and an outage should not also stop the drawing
 * that needs no storage.
 */
export class SharedRateLimiter implements DrawLimiter {
  constructor(
    private readonly hits: RateLimitHitsRepo,
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly onStoreFailure: (e: unknown) => void = () => undefined,
  ) {}

  async take(userId: string): Promise<Refund> {
    if (this.limit <= 0) return nothingToRefund;
    let taken: Awaited<ReturnType<RateLimitHitsRepo['take']>>;
    try {
      taken = await this.hits.take(userId, this.limit, this.windowMs, this.now());
    } catch (e) {
      const kind = storeFailureKind(e);
      if (kind !== 'busy' && kind !== 'unavailable') throw e;
      this.onStoreFailure(e);
      return nothingToRefund;
    }
    if (!taken.ok) throw new RateLimitedError(taken.retryAfterMs, this.limit, this.windowMs);
    return () => this.hits.refund(userId, taken.id);
  }

  async sweep(): Promise<void> {
    await this.hits.purgeBefore(this.now() - this.windowMs);
  }
}
