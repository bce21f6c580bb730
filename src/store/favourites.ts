/**
 * A user's favourite girls: at most `limit` (default 7, as in the original), shown newest
 * first and addressed by their display index 1…N in that order. Every query carries the
 * user id, so no user can read or change another's rows, and every write holds the user's
 * lock (Db.transaction), so concurrent presses from any process or host queue up.
 */
import type { Db, Queryable } from './db.ts';
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
export type AddResult =
  | { ok: true; favourite: Favourite; count: number }
  | { ok: false; code: 'limit_reached'; limit: number; message: string }
  | Duplicate
  | InvalidName;
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

// Display index = position in newest-first order, computed by the database in the same query.
const RANKED = `
  SELECT id, user_id, model_id, z, tags, name, created_at,
         row_number() OVER (ORDER BY created_at DESC, id DESC) AS idx
    FROM favourites WHERE user_id = ?`;

function toFavourite(r: Row): Favourite {
  return {
    id: Number(r.id),
    index: Number(r.idx),
    userId: r.user_id,
    modelId: r.model_id,
    z: decodeFloat16(r.z),
    tags: decodeTags(r.tags),
    name: r.name,
    createdAt: Number(r.created_at),
  };
}

/** The lock every write of one user's favourites (and their morph states) takes. */
export const favouritesLock = (userId: string): string => `favourites:${userId}`;

async function countIn(q: Queryable, userId: string): Promise<number> {
  return (await q.get<{ n: number }>('SELECT count(*) AS n FROM favourites WHERE user_id = ?', userId))!.n;
}

async function byIndexIn(q: Queryable, userId: string, index: number): Promise<Favourite | null> {
  if (!Number.isInteger(index) || index < 1) return null;
  const row = await q.get<Row>(`SELECT * FROM (${RANKED}) AS ranked WHERE idx = ?`, userId, index);
  return row ? toFavourite(row) : null;
}

async function byIdIn(q: Queryable, userId: string, id: number): Promise<Favourite | null> {
  if (!Number.isSafeInteger(id)) return null;
  const row = await q.get<Row>(`SELECT * FROM (${RANKED}) AS ranked WHERE id = ?`, userId, id);
  return row ? toFavourite(row) : null;
}

/** A favourite as stored: z already float16, tags already the encoder's JSON, the name checked. */
export interface StoredGirl {
  modelId: string;
  z: Uint8Array;
  tags: string;
  name: string | null;
}

/**
 * The body of an add, inside a transaction the caller holds under favouritesLock(userId)
 * (FavouritesRepo.add, or an accepted gift, which also marks its offer in the same
 * transaction): the duplicate check, the limit, the lowest free slot, the insert.
 */
export async function addIn(tx: Queryable, userId: string, girl: StoredGirl, limit: number, createdAt: number): Promise<AddResult> {
  const same = await tx.get<{ id: number }>(
    'SELECT id FROM favourites WHERE user_id = ? AND model_id = ? AND z = ? AND tags = ? LIMIT 1',
    userId,
    girl.modelId,
    girl.z,
    girl.tags,
  );
  const existing = same && (await byIdIn(tx, userId, Number(same.id)));
  if (existing) return { ok: false, code: 'duplicate', favourite: existing, message: `She is already your favourite #${existing.index}.` };
  const used = (await tx.all<{ slot: number }>('SELECT slot FROM favourites WHERE user_id = ?', userId)).map((r) => r.slot);
  const taken = new Set(used);
  let slot = 0;
  for (let s = 1; s <= limit && slot === 0; s++) if (!taken.has(s)) slot = s;
  // used.length ≥ limit also covers a limit lowered below what a user already has.
  if (used.length >= limit || slot === 0) {
    return { ok: false, code: 'limit_reached', limit, message: `You already have ${limit} favourites. Remove one first.` };
  }
  const inserted = await tx.get<{ id: number }>(
    'INSERT INTO favourites (user_id, slot, model_id, z, tags, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    userId,
    slot,
    girl.modelId,
    girl.z,
    girl.tags,
    girl.name,
    createdAt,
  );
  // The count this add made, read in its own transaction: two ⭐ at once say 6/7 and 7/7.
  return { ok: true, favourite: (await byIdIn(tx, userId, Number(inserted!.id)))!, count: used.length + 1 };
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

  private async notFound(q: Queryable, userId: string, index: number): Promise<NotFound> {
    const n = await countIn(q, userId);
    const have = n === 0 ? 'You have no favourites yet.' : `You have ${n} (1–${n}).`;
    return { ok: false, code: 'not_found', message: `There is no favourite #${index}. ${have}` };
  }

  /**
   * Adds a favourite unless the user already has `limit`. The count, the choice of a free
   * slot and the insert run in one transaction under the user's lock: concurrent adds from
   * any connection, process or host queue up instead of each seeing room for one more. The
   * same girl twice (same model, float16 z and stored tags) is refused as 'duplicate' in that
   * same transaction, so two concurrent ⭐ presses for one tile make one row.
   */
  async add(userId: string, fav: NewFavourite): Promise<AddResult> {
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
    return this.db.transaction((tx) => addIn(tx, userId, { modelId: fav.modelId, z, tags, name }, this.limit, this.now()), favouritesLock(userId));
  }

  /** Newest first, with display indexes 1…N. */
  async list(userId: string): Promise<Favourite[]> {
    checkUserId(userId);
    return (await this.db.all<Row>(`${RANKED} ORDER BY idx`, userId)).map(toFavourite);
  }

  count(userId: string): Promise<number> {
    checkUserId(userId);
    return countIn(this.db, userId);
  }

  /** By display index (1 = newest). */
  async get(userId: string, index: number): Promise<GetResult> {
    checkUserId(userId);
    const favourite = await byIndexIn(this.db, userId, index);
    return favourite ? { ok: true, favourite } : this.notFound(this.db, userId, index);
  }

  /** By row id (stable across adds/removes, for button custom_ids); null unless the user owns it. */
  byId(userId: string, id: number): Promise<Favourite | null> {
    checkUserId(userId);
    return byIdIn(this.db, userId, id);
  }

  /** Removes by display index; later indexes move up by one. Its morph state goes with it. */
  remove(userId: string, index: number): Promise<GetResult> {
    checkUserId(userId);
    return this.db.transaction(async (tx): Promise<GetResult> => {
      const favourite = await byIndexIn(tx, userId, index);
      if (!favourite) return this.notFound(tx, userId, index);
      await tx.run('DELETE FROM favourites WHERE user_id = ? AND id = ?', userId, favourite.id);
      return { ok: true, favourite };
    }, favouritesLock(userId));
  }

  /** Removes by row id (a confirmation button names the row, not the index, which may have
   * shifted since); null when the user has no such favourite (already removed, or not theirs). */
  removeById(userId: string, id: number): Promise<Favourite | null> {
    checkUserId(userId);
    return this.db.transaction(async (tx): Promise<Favourite | null> => {
      const found = await byIdIn(tx, userId, id);
      if (found) await tx.run('DELETE FROM favourites WHERE user_id = ? AND id = ?', userId, id);
      return found;
    }, favouritesLock(userId));
  }

  /** Sets (or with null, clears) the display name of favourite #index. */
  async rename(userId: string, index: number, rawName: string | null): Promise<RenameResult> {
    checkUserId(userId);
    let name: string | null = null;
    if (rawName !== null) {
      const checked = checkName(rawName);
      if (!checked.ok) return checked;
      name = checked.name;
    }
    return this.db.transaction(async (tx): Promise<RenameResult> => {
      const favourite = await byIndexIn(tx, userId, index);
      if (!favourite) return this.notFound(tx, userId, index);
      await tx.run('UPDATE favourites SET name = ? WHERE user_id = ? AND id = ?', name, userId, favourite.id);
      return { ok: true, favourite: { ...favourite, name } };
    }, favouritesLock(userId));
  }
}
