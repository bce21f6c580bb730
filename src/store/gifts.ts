/**
 * Gifts: one user offers a copy of a favourite to another, who accepts (she is added to the
 * receiver's favourites) or declines. Offers live only in the database (any shard, process or
 * host can answer a click, and a restart between offer and accept loses nothing); the buttons
 * name an offer's id. Accepting is one transaction under the receiver's favourites lock: the
 * offer's state, the receiver's limit and the insert are decided together, so two racing
 * clicks make one favourite.
 */
import type { Db, Queryable } from './db.ts';
import { addIn, type Favourite, favouritesLock } from './favourites.ts';
import { decodeFloat16 } from '../latent/float16.ts';
import { decodeTags, type TagWeights } from './tags.ts';
import { checkUserId } from './validate.ts';

export type GiftStatus = 'pending' | 'accepted' | 'declined' | 'expired';

export interface GiftOffer {
  id: number;
  giverId: string;
  receiverId: string;
  modelId: string;
  z: Float32Array;
  tags: TagWeights;
  /** The name she had in the giver's list when offered. */
  name: string | null;
  /** 'expired' also for a pending offer past its time that the purge has not marked yet. */
  status: GiftStatus;
  createdAt: number;
  expiresAt: number;
}

export interface GiftLimits {
  /** How long an offer waits for an answer (default one day). */
  ttlMs: number;
  /** Unanswered offers one giver may have at once (default 3). */
  maxPending: number;
  /** Offers one giver may make in any `rateWindowMs` (default 10 a day). */
  maxPerWindow: number;
  rateWindowMs: number;
  /** A receiver who has declined this many of a giver's offers gets no more from them (default 3). */
  blockAfterDeclines: number;
  /** Answered and expired offers are deleted this long after they expire (default a week). */
  keepMs: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_GIFT_LIMITS: GiftLimits = {
  ttlMs: DAY_MS,
  maxPending: 3,
  maxPerWindow: 10,
  rateWindowMs: DAY_MS,
  blockAfterDeclines: 3,
  keepMs: 7 * DAY_MS,
};

export interface GiftsOptions extends Partial<GiftLimits> {
  /** The receivers' favourites limit (FavouritesRepo.limit). */
  favouritesLimit: number;
  /** Clock in Unix ms; injectable for tests. */
  now?: () => number;
}

export type OfferResult =
  | { ok: true; offer: GiftOffer }
  | { ok: false; code: 'self' }
  | { ok: false; code: 'no_favourite' }
  | { ok: false; code: 'blocked' }
  | { ok: false; code: 'too_many_pending'; limit: number }
  | { ok: false; code: 'too_many_recent'; limit: number; retryAfterMs: number }
  /** An offer of this giver's is still waiting for this receiver's answer. */
  | { ok: false; code: 'already_offered'; offer: GiftOffer };

/** Why an answer did not take: no such offer, someone else's, or already settled. */
export type AnswerRefused =
  | { ok: false; code: 'not_found' }
  | { ok: false; code: 'not_yours'; offer: GiftOffer }
  | { ok: false; code: 'settled'; offer: GiftOffer };

export type AcceptResult =
  | { ok: true; offer: GiftOffer; favourite: Favourite }
  | AnswerRefused
  /** The receiver's list is full: the offer stays open, so she can make room and accept again. */
  | { ok: false; code: 'limit_reached'; offer: GiftOffer; limit: number }
  /** The receiver already has her: the offer is settled as accepted, nothing added. */
  | { ok: false; code: 'duplicate'; offer: GiftOffer; favourite: Favourite };

export type DeclineResult = { ok: true; offer: GiftOffer; declines: number } | AnswerRefused;

interface Row {
  id: number;
  giver_id: string;
  receiver_id: string;
  model_id: string;
  z: Uint8Array;
  tags: string;
  name: string | null;
  status: GiftStatus;
  created_at: number;
  expires_at: number;
}

function toOffer(r: Row, now: number): GiftOffer {
  const expiresAt = Number(r.expires_at);
  return {
    id: Number(r.id),
    giverId: r.giver_id,
    receiverId: r.receiver_id,
    modelId: r.model_id,
    z: decodeFloat16(r.z),
    tags: decodeTags(r.tags),
    name: r.name,
    status: r.status === 'pending' && expiresAt <= now ? 'expired' : r.status,
    createdAt: Number(r.created_at),
    expiresAt,
  };
}

async function rowIn(q: Queryable, id: number): Promise<Row | undefined> {
  return Number.isSafeInteger(id) && id > 0 ? q.get<Row>('SELECT * FROM gift_offers WHERE id = ?', id) : undefined;
}

/** The lock a giver's offers take: the counts and the insert cannot interleave with another offer of theirs. */
const giverLock = (giverId: string): string => `gifts:${giverId}`;

export class GiftsRepo {
  readonly limits: GiftLimits;
  private readonly favouritesLimit: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    opts: GiftsOptions,
  ) {
    const limits = { ...DEFAULT_GIFT_LIMITS };
    for (const key of Object.keys(DEFAULT_GIFT_LIMITS) as (keyof GiftLimits)[]) {
      const value = opts[key] ?? limits[key];
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`gift limit ${key} must be a positive whole number, got ${value}`);
      limits[key] = value;
    }
    this.limits = limits;
    this.favouritesLimit = opts.favouritesLimit;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Offers a copy of the giver's favourite (by row id) to the receiver. Refused when the
   * receiver has declined this giver `blockAfterDeclines` times, when the giver already has
   * `maxPending` unanswered offers or made `maxPerWindow` in the window, or when an offer of
   * theirs is already waiting for this receiver: one at a time to each person, so a receiver
   * who ignores a giver is pinged by them at most once a day.
   */
  offer(giverId: string, favouriteId: number, receiverId: string): Promise<OfferResult> {
    checkUserId(giverId);
    checkUserId(receiverId);
    if (giverId === receiverId) return Promise.resolve({ ok: false, code: 'self' });
    const limits = this.limits;
    return this.db.transaction(async (tx): Promise<OfferResult> => {
      const now = this.now();
      const girl = await tx.get<{ model_id: string; z: Uint8Array; tags: string; name: string | null }>(
        'SELECT model_id, z, tags, name FROM favourites WHERE user_id = ? AND id = ?',
        giverId,
        favouriteId,
      );
      if (!girl) return { ok: false, code: 'no_favourite' };
      const declined = await tx.get<{ declines: number }>('SELECT declines FROM gift_declines WHERE receiver_id = ? AND giver_id = ?', receiverId, giverId);
      if (declined && Number(declined.declines) >= limits.blockAfterDeclines) return { ok: false, code: 'blocked' };
      const waiting = await tx.get<Row>(
        "SELECT * FROM gift_offers WHERE giver_id = ? AND receiver_id = ? AND status = 'pending' AND expires_at > ? LIMIT 1",
        giverId,
        receiverId,
        now,
      );
      if (waiting) return { ok: false, code: 'already_offered', offer: toOffer(waiting, now) };
      const pending = await tx.get<{ n: number }>(
        "SELECT count(*) AS n FROM gift_offers WHERE giver_id = ? AND status = 'pending' AND expires_at > ?",
        giverId,
        now,
      );
      if (Number(pending!.n) >= limits.maxPending) return { ok: false, code: 'too_many_pending', limit: limits.maxPending };
      const recent = await tx.get<{ n: number; oldest: number | null }>(
        'SELECT count(*) AS n, min(created_at) AS oldest FROM gift_offers WHERE giver_id = ? AND created_at > ?',
        giverId,
        now - limits.rateWindowMs,
      );
      if (Number(recent!.n) >= limits.maxPerWindow) {
        const retryAfterMs = Math.max(1, Number(recent!.oldest) + limits.rateWindowMs - now);
        return { ok: false, code: 'too_many_recent', limit: limits.maxPerWindow, retryAfterMs };
      }
      const inserted = await tx.get<Row>(
        'INSERT INTO gift_offers (giver_id, receiver_id, model_id, z, tags, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *',
        giverId,
        receiverId,
        girl.model_id,
        girl.z,
        girl.tags,
        girl.name,
        now,
        now + limits.ttlMs,
      );
      return { ok: true, offer: toOffer(inserted!, now) };
    }, giverLock(giverId));
  }

  /** An offer by id, whoever it is for (to describe a message's offer); null when there is none. */
  async get(id: number): Promise<GiftOffer | null> {
    const row = await rowIn(this.db, id);
    return row ? toOffer(row, this.now()) : null;
  }

  /**
   * The receiver accepts: in one transaction under their favourites lock, the offer must
   * still be pending and unexpired, their list must have room, and she is added with her
   * name; the offer is then settled. A full list leaves the offer open.
   */
  async accept(userId: string, offerId: number): Promise<AcceptResult> {
    checkUserId(userId);
    const first = await this.ownedPending(userId, offerId);
    if (!first.ok) return first;
    return this.db.transaction(async (tx): Promise<AcceptResult> => {
      const now = this.now();
      const checked = await this.pendingIn(tx, userId, offerId, now);
      if (!checked.ok) return checked;
      const row = checked.row;
      const offer = toOffer(row, now);
      const added = await addIn(tx, userId, { modelId: row.model_id, z: row.z, tags: row.tags, name: row.name }, this.favouritesLimit, now);
      if (!added.ok && added.code === 'limit_reached') return { ok: false, code: 'limit_reached', offer, limit: added.limit };
      if (!added.ok && added.code !== 'duplicate') throw new Error(`unexpected add result ${added.code}`);
      await this.settle(tx, offerId, 'accepted', now);
      const settled = { ...offer, status: 'accepted' as const };
      return added.ok ? { ok: true, offer: settled, favourite: added.favourite } : { ok: false, code: 'duplicate', offer: settled, favourite: added.favourite };
    }, favouritesLock(userId));
  }

  /** The receiver declines: the offer is settled and the giver's decline count with this receiver goes up by one. */
  async decline(userId: string, offerId: number): Promise<DeclineResult> {
    checkUserId(userId);
    const first = await this.ownedPending(userId, offerId);
    if (!first.ok) return first;
    // The same lock as accept: a decline racing an accept of the same offer waits for it.
    return this.db.transaction(async (tx): Promise<DeclineResult> => {
      const now = this.now();
      const checked = await this.pendingIn(tx, userId, offerId, now);
      if (!checked.ok) return checked;
      await this.settle(tx, offerId, 'declined', now);
      const giverId = checked.row.giver_id;
      const counted = await tx.get<{ declines: number }>(
        `INSERT INTO gift_declines (receiver_id, giver_id, declines, updated_at) VALUES (?, ?, 1, ?)
           ON CONFLICT (receiver_id, giver_id) DO UPDATE SET declines = gift_declines.declines + 1, updated_at = excluded.updated_at
           RETURNING declines`,
        userId,
        giverId,
        now,
      );
      return { ok: true, offer: { ...toOffer(checked.row, now), status: 'declined' }, declines: Number(counted!.declines) };
    }, favouritesLock(userId));
  }

  /** Takes back an offer that was never delivered (its message failed); true when it was pending. */
  async withdraw(giverId: string, offerId: number): Promise<boolean> {
    return (await this.db.run("DELETE FROM gift_offers WHERE id = ? AND giver_id = ? AND status = 'pending'", offerId, giverId)).changes === 1;
  }

  /** How many of the giver's offers the receiver has declined. */
  async declines(receiverId: string, giverId: string): Promise<number> {
    const row = await this.db.get<{ declines: number }>('SELECT declines FROM gift_declines WHERE receiver_id = ? AND giver_id = ?', receiverId, giverId);
    return Number(row?.declines ?? 0);
  }

  /** The giver's unanswered, unexpired offers, oldest first. */
  async pendingFrom(giverId: string): Promise<GiftOffer[]> {
    const now = this.now();
    const rows = await this.db.all<Row>(
      "SELECT * FROM gift_offers WHERE giver_id = ? AND status = 'pending' AND expires_at > ? ORDER BY created_at, id",
      giverId,
      now,
    );
    return rows.map((r) => toOffer(r, now));
  }

  /** Marks unanswered offers past their time expired and deletes offers expired longer than keepMs; returns how many were deleted. */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    await this.db.run("UPDATE gift_offers SET status = 'expired', decided_at = expires_at WHERE status = 'pending' AND expires_at <= ?", now);
    return (await this.db.run('DELETE FROM gift_offers WHERE expires_at <= ?', now - this.limits.keepMs)).changes;
  }

  /** The checks an answer can make before taking the lock: the offer exists and is the user's. */
  private async ownedPending(userId: string, offerId: number): Promise<{ ok: true } | AnswerRefused> {
    const row = await rowIn(this.db, offerId);
    if (!row) return { ok: false, code: 'not_found' };
    if (row.receiver_id !== userId) return { ok: false, code: 'not_yours', offer: toOffer(row, this.now()) };
    return { ok: true };
  }

  /** Inside the lock: the offer again (another click may have settled it meanwhile). */
  private async pendingIn(tx: Queryable, userId: string, offerId: number, now: number): Promise<{ ok: true; row: Row } | AnswerRefused> {
    const row = await rowIn(tx, offerId);
    if (!row) return { ok: false, code: 'not_found' };
    const offer = toOffer(row, now);
    if (row.receiver_id !== userId) return { ok: false, code: 'not_yours', offer };
    if (offer.status !== 'pending') {
      if (row.status === 'pending') await this.settle(tx, offerId, 'expired', now);
      return { ok: false, code: 'settled', offer };
    }
    return { ok: true, row };
  }

  private async settle(tx: Queryable, offerId: number, status: Exclude<GiftStatus, 'pending'>, now: number): Promise<void> {
    const done = await tx.run("UPDATE gift_offers SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending'", status, now, offerId);
    // The lock makes this impossible; if it ever happens, roll the whole answer back.
    if (done.changes !== 1) throw new Error(`gift offer ${offerId} changed under its lock`);
  }
}
