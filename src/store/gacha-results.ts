/**
 * Stored pictures (table gacha_results): what a posted grid showed (model, tags, one draw per tile), stored under a
 * short random id that goes into the message's button custom_ids. Buttons therefore keep
 * working across restarts until the row expires (default 7 days).
 *
 * The id is random (72 bits) and inserted with ON CONFLICT DO NOTHING, so processes sharing
 * the database never hand out one id twice.
 *
 * Any user who can see a message can press its buttons, so `get` is by id alone and
 * returns the owner's userId; the command decides what a non-owner may do (e.g. ⭐ copies
 * the tile into the presser's own favourites).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db.ts';
import { StoreError } from './errors.ts';
import { decodeFloat16, encodeFloat16 } from '../latent/float16.ts';
import { decodeParams, encodeParams, type PictureParams } from './picture-params.ts';
import { decodeTags, encodeTags, type TagWeights } from './tags.ts';
import { checkModelId, checkUserId, checkZ } from './validate.ts';

/** One tile: an integer seed (the z of a plain draw) or an explicit z (variations, blends). */
export type PictureDraw = { seed: number } | { z: Float32Array };

/** A posted picture as stored: its tiles' draws, the picture's tags and how it was made. */
export interface StoredPicture {
  id: string;
  userId: string;
  modelId: string;
  tags: TagWeights;
  draws: PictureDraw[];
  params: PictureParams;
  createdAt: number;
  expiresAt: number;
}

export interface NewStoredPicture {
  userId: string;
  modelId: string;
  tags: TagWeights;
  draws: readonly PictureDraw[];
  /** Default: a plain gacha at ψ 1 with random fill. */
  params?: PictureParams;
  /** Lifetime in ms; default the repo's ttlMs. */
  ttlMs?: number;
}

export type GachaGetResult = { ok: true; result: StoredPicture } | { ok: false; code: 'not_found' | 'expired'; message: string };

export interface GachaResultsOptions {
  /** Default lifetime of a result, ms. */
  ttlMs?: number;
  now?: () => number;
  /** Id generator, injectable for tests; default 12 base64url chars (72 random bits). */
  newId?: () => string;
}

export const DEFAULT_GACHA_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const ID_PATTERN = /^[A-Za-z0-9_-]{6,16}$/;
const randomId = (): string => randomBytes(9).toString('base64url');

const storedDraw = z.union([z.object({ seed: z.number().int() }).strict(), z.object({ z: z.string() }).strict()]);
const storedDraws = z.array(storedDraw);

function encodeDraws(draws: readonly PictureDraw[]): string {
  if (draws.length < 1 || draws.length > 100) throw new StoreError('invalid_input', `a gacha result needs 1–100 draws, got ${draws.length}`);
  return JSON.stringify(
    draws.map((d) => {
      if ('seed' in d) {
        if (!Number.isInteger(d.seed) || d.seed < 0 || d.seed > 0xffffffff) {
          throw new StoreError('invalid_input', `seed must be an integer 0–4294967295, got ${d.seed}`);
        }
        return { seed: d.seed };
      }
      checkZ(d.z);
      return { z: Buffer.from(encodeFloat16(d.z)).toString('base64url') };
    }),
  );
}

function decodeDraws(json: string): PictureDraw[] {
  return storedDraws.parse(JSON.parse(json)).map((d) => ('seed' in d ? { seed: d.seed } : { z: decodeFloat16(Buffer.from(d.z, 'base64url')) }));
}

interface Row {
  id: string;
  user_id: string;
  model_id: string;
  tags: string;
  draws: string;
  params: string;
  created_at: number;
  expires_at: number;
}

export class GachaResultsRepo {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(
    private readonly db: Db,
    opts: GachaResultsOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_GACHA_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? randomId;
  }

  async save(input: NewStoredPicture): Promise<StoredPicture> {
    checkUserId(input.userId);
    checkModelId(input.modelId);
    const ttl = input.ttlMs ?? this.ttlMs;
    if (!Number.isFinite(ttl) || ttl <= 0) throw new StoreError('invalid_input', `ttlMs must be positive, got ${ttl}`);
    const row = {
      user_id: input.userId,
      model_id: input.modelId,
      tags: encodeTags(input.tags),
      draws: encodeDraws(input.draws),
      params: input.params ? encodeParams(input.params) : '{}',
      created_at: this.now(),
      expires_at: 0,
    };
    row.expires_at = row.created_at + Math.round(ttl);
    // A 72-bit id colliding is astronomically unlikely; retry a few times rather than assume.
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = this.newId();
      if (!ID_PATTERN.test(id)) throw new StoreError('invalid_input', `gacha id must be 6–16 base64url chars, got ${JSON.stringify(id)}`);
      const { changes } = await this.db.run(
        `INSERT INTO gacha_results (id, user_id, model_id, tags, draws, params, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        id,
        row.user_id,
        row.model_id,
        row.tags,
        row.draws,
        row.params,
        row.created_at,
        row.expires_at,
      );
      if (changes === 1) return toResult({ id, ...row });
    }
    throw new StoreError('invalid_input', 'could not find a free gacha id after 5 tries (is the id generator random?)');
  }

  /** The result, or why not: 'not_found' (never existed or purged) / 'expired' (still stored). */
  async get(id: string): Promise<GachaGetResult> {
    const row = ID_PATTERN.test(id) ? await this.db.get<Row>('SELECT * FROM gacha_results WHERE id = ?', id) : undefined;
    if (!row) return { ok: false, code: 'not_found', message: 'This gacha result is no longer available. Run /gacha again.' };
    if (row.expires_at <= this.now()) {
      return { ok: false, code: 'expired', message: 'These buttons have expired. Run /gacha again.' };
    }
    return { ok: true, result: toResult(row) };
  }

  /** Deletes results that expired at or before `now`; returns how many. */
  async purgeExpired(now: number = this.now()): Promise<number> {
    return (await this.db.run('DELETE FROM gacha_results WHERE expires_at <= ?', now)).changes;
  }
}

function toResult(r: Row): StoredPicture {
  return {
    id: r.id,
    userId: r.user_id,
    modelId: r.model_id,
    tags: decodeTags(r.tags),
    draws: decodeDraws(r.draws),
    params: decodeParams(r.params),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}
