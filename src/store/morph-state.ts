/**
 * The tags each favourite's last morph ended on, so the next morph starts from there and
 * morphs chain as in the original. Keyed by (user, favourite id); the foreign key to
 * favourites(user_id, id) both ties a state to its owner and drops it with the favourite.
 */
import type { Db } from './db.ts';
import { decodeTags, encodeTags, type TagWeights } from './tags.ts';
import { checkUserId } from './validate.ts';

export type SetTargetResult = { ok: true } | { ok: false; code: 'not_found'; message: string };

export class MorphStateRepo {
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** The last morph target of this favourite, or null when it was never morphed. */
  getLastTarget(userId: string, favouriteId: number): TagWeights | null {
    checkUserId(userId);
    const row = this.db.get<{ target_tags: string }>('SELECT target_tags FROM morph_state WHERE user_id = ? AND favourite_id = ?', userId, favouriteId);
    return row ? decodeTags(row.target_tags) : null;
  }

  setLastTarget(userId: string, favouriteId: number, tags: TagWeights): SetTargetResult {
    checkUserId(userId);
    const json = encodeTags(tags);
    return this.db.transaction((): SetTargetResult => {
      // Checked here rather than by catching the foreign-key error: clearer, and the
      // transaction makes check + write atomic.
      const owns = this.db.get('SELECT 1 FROM favourites WHERE user_id = ? AND id = ?', userId, favouriteId);
      if (!owns) return { ok: false, code: 'not_found', message: 'That favourite no longer exists.' };
      this.db.run(
        `INSERT INTO morph_state (user_id, favourite_id, target_tags, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, favourite_id) DO UPDATE SET target_tags = excluded.target_tags, updated_at = excluded.updated_at`,
        userId,
        favouriteId,
        json,
        this.now(),
      );
      return { ok: true };
    }, 'immediate');
  }
}
