/**
 * A user's favourite girls: at most `limit` (default 7, as in the original), shown newest
 * first and addressed by their display index 1…N in that order. Every query carries the
 * user id, so no user can read or change another's rows.
 */
import type { Db } from './db.ts';
import { decodeFloat16, encodeFloat16 } from '../latent/float16.ts';
import { decodeTags, encodeTags, type TagWeights } from './tags.ts';
import { checkModelId, checkName, checkUserId, checkZ } from './validate.ts';

export interface Favourite {
  id: number;
  /** 1 = newest. Changes when newer favourites are added or older ones removed. */
  index: number;
  userId: string;
  modelId: string;
  /** Decoded from float16: within 2^-11 relative of what was added. */
  z: Float32Array;
  tags: TagWeights;
  name: string | null;
  /** Unix epoch ms. */
  createdAt: number;
}

export interface NewFavourite {
  modelId: string;
  z: Float32Array;
  tags: TagWeights;
  name?: string | null;
}

export type NotFound = { ok: false; code: 'not_found'; message: string };
export type InvalidName = { ok: false; code: 'invalid_name'; message: string };
/** The same girl (model, z as stored, tags as stored) is already one of the user's favourites. */
export type Duplicate = { ok: false; code: 'duplicate'; favourite: Favourite; message: string };
export type AddResult = { ok: true; favourite: Favourite } | { ok: false; code: 'limit_reached'; limit: number; message: string } | Duplicate | InvalidName;
export type GetResult = { ok: true; favourite: Favourite } | NotFound;
export type RenameResult = { ok: true; favourite: Favourite } | NotFound | InvalidName;

export interface FavouritesOptions {
  /** Favourites per user, 1–25 (the schema's slot range). */
  limit?: number;
  /** Clock in Unix ms; injectable for tests. */
  now?: () => number;
}

interface Row {
  id: number;
  idx: number;
  user_id: string;
  model_id: string;
  z: Buffer;
  tags: string;
  name: string | null;
  created_at: number;
}

// Display index = position in newest-first order, computed by SQLite in the same query.
const RANKED = `
  SELECT id, user_id, model_id, z, tags, name, created_at,
         row_number() OVER (ORDER BY created_at DESC, id DESC) AS idx
    FROM favourites WHERE user_id = ?`;

function toFavourite(r: Row): Favourite {
  return {
    id: r.id,
    index: r.idx,
    userId: r.user_id,
    modelId: r.model_id,
    z: decodeFloat16(r.z),
    tags: decodeTags(r.tags),
    name: r.name,
    createdAt: r.created_at,
  };
}

export class FavouritesRepo {
  readonly limit: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    opts: FavouritesOptions = {},
  ) {
    this.limit = opts.limit ?? 7;
    if (!Number.isInteger(this.limit) || this.limit < 1 || this.limit > 25) {
      throw new RangeError(`favourites limit must be 1–25, got ${this.limit}`);
    }
    this.now = opts.now ?? Date.now;
  }

  private notFound(userId: string, index: number): NotFound {
    const n = this.count(userId);
    const have = n === 0 ? 'You have no favourites yet.' : `You have ${n} (1–${n}).`;
    return { ok: false, code: 'not_found', message: `There is no favourite #${index}. ${have}` };
  }

  /**
   * Adds a favourite unless the user already has `limit`. The count, the choice of a free
   * slot and the insert run in one IMMEDIATE transaction, which holds the database's
   * write lock from the start: concurrent adds from any connection or process queue up
   * (busy_timeout) instead of each seeing room for one more. The same girl twice (same
   * model, float16 z and stored tags) is refused as 'duplicate' in that same transaction, so
   * two concurrent ⭐ presses for one tile make one row.
   */
  add(userId: string, fav: NewFavourite): AddResult {
    checkUserId(userId);
    checkModelId(fav.modelId);
    checkZ(fav.z);
    const tags = encodeTags(fav.tags);
    let name: string | null = null;
    if (fav.name != null) {
      const checked = checkName(fav.name);
      if (!checked.ok) return checked;
      name = checked.name;
    }
    const z = encodeFloat16(fav.z);
    return this.db.transaction((): AddResult => {
      const same = this.db.get<{ id: number }>(
        'SELECT id FROM favourites WHERE user_id = ? AND model_id = ? AND z = ? AND tags = ? LIMIT 1',
        userId,
        fav.modelId,
        z,
        tags,
      );
      const existing = same && this.byId(userId, same.id);
      if (existing) return { ok: false, code: 'duplicate', favourite: existing, message: `She is already your favourite #${existing.index}.` };
      const used = this.db.all<{ slot: number }>('SELECT slot FROM favourites WHERE user_id = ?', userId).map((r) => r.slot);
      const taken = new Set(used);
      let slot = 0;
      for (let s = 1; s <= this.limit && slot === 0; s++) if (!taken.has(s)) slot = s;
      // used.length ≥ limit also covers a limit lowered below what a user already has.
      if (used.length >= this.limit || slot === 0) {
        return {
          ok: false,
          code: 'limit_reached',
          limit: this.limit,
          message: `You already have ${this.limit} favourites. Remove one first.`,
        };
      }
      const { lastInsertRowid } = this.db.run(
        'INSERT INTO favourites (user_id, slot, model_id, z, tags, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        userId,
        slot,
        fav.modelId,
        z,
        tags,
        name,
        this.now(),
      );
      return { ok: true, favourite: this.byId(userId, Number(lastInsertRowid))! };
    }, 'immediate');
  }

  /** Newest first, with display indexes 1…N. */
  list(userId: string): Favourite[] {
    checkUserId(userId);
    return this.db.all<Row>(`${RANKED} ORDER BY idx`, userId).map(toFavourite);
  }

  count(userId: string): number {
    checkUserId(userId);
    return this.db.get<{ n: number }>('SELECT count(*) AS n FROM favourites WHERE user_id = ?', userId)!.n;
  }

  /** By display index (1 = newest). */
  get(userId: string, index: number): GetResult {
    checkUserId(userId);
    const row = Number.isInteger(index) && index >= 1 ? this.db.get<Row>(`SELECT * FROM (${RANKED}) WHERE idx = ?`, userId, index) : undefined;
    return row ? { ok: true, favourite: toFavourite(row) } : this.notFound(userId, index);
  }

  /** By row id (stable across adds/removes, for button custom_ids); null unless the user owns it. */
  byId(userId: string, id: number): Favourite | null {
    checkUserId(userId);
    const row = this.db.get<Row>(`SELECT * FROM (${RANKED}) WHERE id = ?`, userId, id);
    return row ? toFavourite(row) : null;
  }

  /** Removes by display index; later indexes move up by one. Its morph state goes with it. */
  remove(userId: string, index: number): GetResult {
    return this.db.transaction((): GetResult => {
      const found = this.get(userId, index);
      if (!found.ok) return found;
      this.db.run('DELETE FROM favourites WHERE user_id = ? AND id = ?', userId, found.favourite.id);
      return found;
    }, 'immediate');
  }

  /** Removes by row id (a confirmation button names the row, not the index, which may have
   * shifted since); null when the user has no such favourite (already removed, or not theirs). */
  removeById(userId: string, id: number): Favourite | null {
    return this.db.transaction((): Favourite | null => {
      const found = this.byId(userId, id);
      if (found) this.db.run('DELETE FROM favourites WHERE user_id = ? AND id = ?', userId, id);
      return found;
    }, 'immediate');
  }

  /** Sets (or with null, clears) the display name of favourite #index. */
  rename(userId: string, index: number, rawName: string | null): RenameResult {
    let name: string | null = null;
    if (rawName !== null) {
      const checked = checkName(rawName);
      if (!checked.ok) return checked;
      name = checked.name;
    }
    return this.db.transaction((): RenameResult => {
      const found = this.get(userId, index);
      if (!found.ok) return found;
      this.db.run('UPDATE favourites SET name = ? WHERE user_id = ? AND id = ?', name, userId, found.favourite.id);
      return { ok: true, favourite: { ...found.favourite, name } };
    }, 'immediate');
  }
}
