/**
 * Uses of drawing commands, per user, in the database: the rate limit that holds across
 * every process sharing it (shards, hosts). A use is a row kept for one window; taking one
 * counts the user's rows in the window and adds one under the user's lock, so concurrent
 * commands in different processes cannot both take the last use.
 */
import type { Db } from './db.ts';
import { checkUserId } from './validate.ts';

export type TakeResult = { ok: true; id: number } | { ok: false; retryAfterMs: number };

export class RateLimitHitsRepo {
  constructor(private readonly db: Db) {}

  /** One use at `now` unless the user already has `limit` in the window ending at `now`. */
  take(userId: string, limit: number, windowMs: number, now: number): Promise<TakeResult> {
    checkUserId(userId);
    return this.db.transaction(async (tx): Promise<TakeResult> => {
      const since = now - windowMs;
      await tx.run('DELETE FROM rate_limit_hits WHERE user_id = ? AND at <= ?', userId, since);
      const row = await tx.get<{ n: number; oldest: number | null }>('SELECT count(*) AS n, min(at) AS oldest FROM rate_limit_hits WHERE user_id = ?', userId);
      if (row && row.n >= limit) return { ok: false, retryAfterMs: Math.max(1, Number(row.oldest) + windowMs - now) };
      const inserted = await tx.get<{ id: number }>('INSERT INTO rate_limit_hits (user_id, at) VALUES (?, ?) RETURNING id', userId, now);
      return { ok: true, id: Number(inserted!.id) };
    }, `rate:${userId}`);
  }

  /** Gives a use back (the request failed before anything was drawn). */
  async refund(userId: string, id: number): Promise<void> {
    await this.db.run('DELETE FROM rate_limit_hits WHERE user_id = ? AND id = ?', userId, id);
  }

  /** Drops uses older than any window (users who stopped drawing); returns how many. */
  async purgeBefore(at: number): Promise<number> {
    return (await this.db.run('DELETE FROM rate_limit_hits WHERE at <= ?', at)).changes;
  }
}
