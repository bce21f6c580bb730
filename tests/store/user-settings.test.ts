import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { openDatabase } from '../../src/store/open.ts';
import { UserSettingsRepo } from '../../src/store/user-settings.ts';
import { engineFixture, enginesUnderTest } from './engines.ts';

describe.each(enginesUnderTest())('UserSettingsRepo on %s', (engine) => {
  const fx = engineFixture(engine);
  let db: Db;
  beforeEach(async () => {
    db = await openDatabase(fx.newTarget());
  });
  afterEach(() => db.close());

  it('GIVEN a user who never chose THEN her favourites are private; GIVEN public then private THEN each choice holds, per user', async () => {
    const settings = new UserSettingsRepo(db);
    expect(await settings.favouritesPublic('alice')).toBe(false);
    await settings.setFavouritesPublic('alice', true);
    expect(await settings.favouritesPublic('alice')).toBe(true);
    expect(await settings.favouritesPublic('bob')).toBe(false);
    await settings.setFavouritesPublic('alice', false);
    expect(await settings.favouritesPublic('alice')).toBe(false);
    expect(await db.all('SELECT user_id, favourites_public FROM user_settings')).toEqual([{ user_id: 'alice', favourites_public: 0 }]);
  });

  it('GIVEN a value the column refuses THEN the database refuses it (only 0 and 1)', async () => {
    await expect(db.run('INSERT INTO user_settings (user_id, favourites_public, updated_at) VALUES (?, ?, ?)', 'carol', 2, 1)).rejects.toThrow();
    await expect(new UserSettingsRepo(db).favouritesPublic('')).rejects.toThrow(/user id/);
  });
});
