/**
 * Per-user limit on drawing commands: at most `limit` in any `windowMs` (sliding window).
 * In memory on purpose: a restart forgiving everyone is harmless, and a map of recent
 * timestamps costs nothing. Users with nothing in the window are dropped, so memory stays
 * proportional to the users active in the last window.
 */
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

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    /** 0 disables the limit. */
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one use, or throws RateLimitedError saying when the next one is allowed. */
  take(userId: string): void {
    if (this.limit <= 0) return;
    const now = this.now();
    this.sweep(now);
    const recent = (this.hits.get(userId) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(userId, recent);
      throw new RateLimitedError(recent[0]! + this.windowMs - now, this.limit, this.windowMs);
    }
    recent.push(now);
    this.hits.set(userId, recent);
  }

  /** Gives back the last use (the request failed before any drawing started). */
  refund(userId: string): void {
    this.hits.get(userId)?.pop();
  }

  get trackedUsers(): number {
    return this.hits.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [user, times] of this.hits) {
      if (!times.some((t) => t > now - this.windowMs)) this.hits.delete(user);
    }
  }
}
