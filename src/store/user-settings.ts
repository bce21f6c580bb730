/**
 * What each user chose about themselves, one row per user who chose anything; a user without
 * a row has the defaults. Whether others may see their favourites (the "Favourites" user
 * command), private by default — nobody's list is shown until they say so; and the size their
 * pictures are drawn at (/settings size:), the bot's default until they choose.
 */
import type { Db } from './db.ts';
import { StoreError } from './errors.ts';
import { checkUserId } from './validate.ts';

/** Bounds of a stored picture size in px (the column's CHECK); the bot offers fewer. */
const PICTURE_PX = { min: 16, max: 4096 } as const;

export class UserSettingsRepo {
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Whether the user let others see their favourites (false until they do). */
  async favouritesPublic(userId: string): Promise<boolean> {
    checkUserId(userId);
    const row = await this.db.get<{ favourites_public: number }>('SELECT favourites_public FROM user_settings WHERE user_id = ?', userId);
    return Number(row?.favourites_public ?? 0) === 1;
  }

  async setFavouritesPublic(userId: string, isPublic: boolean): Promise<void> {
    checkUserId(userId);
    await this.db.run(
      `INSERT INTO user_settings (user_id, favourites_public, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET favourites_public = excluded.favourites_public, updated_at = excluded.updated_at`,
      userId,
      isPublic ? 1 : 0,
      this.now(),
    );
  }

  /** The picture size the user chose, in px; undefined until they choose (the bot's default). */
  async pictureSize(userId: string): Promise<number | undefined> {
    checkUserId(userId);
    const row = await this.db.get<{ picture_size: number | null }>('SELECT picture_size FROM user_settings WHERE user_id = ?', userId);
    return row?.picture_size == null ? undefined : Number(row.picture_size);
  }

  /** Keeps the user's picture size (px), or forgets it (undefined: the default again); their other choices stay. */
  async setPictureSize(userId: string, px: number | undefined): Promise<void> {
    checkUserId(userId);
    if (px !== undefined && (!Number.isInteger(px) || px < PICTURE_PX.min || px > PICTURE_PX.max)) {
      throw new StoreError('invalid_input', `A picture size is a whole number of px from ${PICTURE_PX.min} to ${PICTURE_PX.max} (got ${px}).`);
    }
    await this.db.run(
      `INSERT INTO user_settings (user_id, picture_size, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET picture_size = excluded.picture_size, updated_at = excluded.updated_at`,
      userId,
      px ?? null,
      this.now(),
    );
  }
}
