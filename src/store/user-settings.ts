/**
 * What each user chose about themselves, one row per user who chose anything; a user without
 * a row has the defaults. For now: whether others may see their favourites (the "Favourites"
 * user command), private by default — nobody's list is shown until they say so.
 */
import type { Db } from './db.ts';
import { checkUserId } from './validate.ts';

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
}
