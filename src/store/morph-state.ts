/**
 * The tags each favourite's last morph ended on, so the next morph starts from there and
 * morphs chain as in the original. Keyed by (user, favourite id); the foreign key to
 * favourites(user_id, id) both ties a state to its owner and drops it with the favourite.
 */
import type { Db } from './db.ts';
import { favouritesLock } from './favourites.ts';
import { decodeTags, encodeTags, type TagWeights } from './tags.ts';
import { checkUserId } from './validate.ts';

export type SetTargetResult =
  | { ok: true }
  | { ok: false; code: 'not_found'; message: string }
  /** Another morph of this favourite ended first: the chain moved on from where this one started. */
  | { ok: false; code: 'moved_on'; current: TagWeights | null; message: string };

export class MorphStateRepo {
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** The last morph target of this favourite, or null when it was never morphed. */
  async getLastTarget(userId: string, favouriteId: number): Promise<TagWeights | null> {
    checkUserId(userId);
    const row = await this.db.get<{ target_tags: string }>('SELECT target_tags FROM morph_state WHERE user_id = ? AND favourite_id = ?', userId, favouriteId);
    return row ? decodeTags(row.target_tags) : null;
  }

  /**
   * Moves the chain on to `tags`, but only from `startedFrom` (what getLastTarget said when
   * the morph began; null = never morphed): two morphs of one favourite drawn at once, in one
   * process or two, both start from the same target, and only the first to finish may move
   * the chain, or it would fork. The second gets 'moved_on' with where the chain now ends.
   */
  setLastTarget(userId: string, favouriteId: number, tags: TagWeights, startedFrom: TagWeights | null): Promise<SetTargetResult> {
    checkUserId(userId);
    const json = encodeTags(tags);
    const expected = startedFrom === null ? null : encodeTags(startedFrom);
    return this.db.transaction(async (tx): Promise<SetTargetResult> => {
      // Checked here rather than by catching the foreign-key error: clearer, and the
      // transaction makes check + write atomic.
      const owns = await tx.get('SELECT 1 AS owns FROM favourites WHERE user_id = ? AND id = ?', userId, favouriteId);
      if (!owns) return { ok: false, code: 'not_found', message: 'That favourite no longer exists.' };
      const current = await tx.get<{ target_tags: string }>('SELECT target_tags FROM morph_state WHERE user_id = ? AND favourite_id = ?', userId, favouriteId);
      const now = current ? current.target_tags : null;
      if (now !== expected) {
        return { ok: false, code: 'moved_on', current: now === null ? null : decodeTags(now), message: 'Another morph of her finished first.' };
      }
      await tx.run(
        `INSERT INTO morph_state (user_id, favourite_id, target_tags, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, favourite_id) DO UPDATE SET target_tags = excluded.target_tags, updated_at = excluded.updated_at`,
        userId,
        favouriteId,
        json,
        this.now(),
      );
      return { ok: true };
    }, favouritesLock(userId));
  }
}
