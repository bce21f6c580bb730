import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { migrationsDirOf, openDatabase } from '../../src/store/open.ts';
import { UserSettingsRepo } from '../../src/store/user-settings.ts';
import { engineFixture, enginesUnderTest } from './engines.ts';
import { tempDir } from './helpers.ts';

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

  it('GIVEN picture sizes THEN none until chosen, each user’s own, forgotten on request, and the visibility choice untouched either way', async () => {
    const settings = new UserSettingsRepo(db);
    expect(await settings.pictureSize('alice')).toBeUndefined();
    await settings.setFavouritesPublic('alice', true);
    expect(await settings.pictureSize('alice')).toBeUndefined();
    await settings.setPictureSize('alice', 256);
    await settings.setPictureSize('bob', 128);
    expect([await settings.pictureSize('alice'), await settings.pictureSize('bob'), await settings.favouritesPublic('alice')]).toEqual([256, 128, true]);
    await settings.setFavouritesPublic('alice', false);
    expect(await settings.pictureSize('alice')).toBe(256);
    await settings.setPictureSize('alice', undefined);
    expect([await settings.pictureSize('alice'), await settings.favouritesPublic('bob')]).toEqual([undefined, false]);
  });

  it('GIVEN a picture size out of bounds THEN the repo refuses it before SQL, the column too, and the stored size stays', async () => {
    const settings = new UserSettingsRepo(db);
    await settings.setPictureSize('carol', 256);
    for (const bad of [0, 8, 128.5, 5000, Number.NaN]) await expect(settings.setPictureSize('carol', bad)).rejects.toThrow(/picture size is a whole number/);
    await expect(db.run('UPDATE user_settings SET picture_size = 9000 WHERE user_id = ?', 'carol')).rejects.toThrow();
    expect(await settings.pictureSize('carol')).toBe(256);
  });

  it('GIVEN a database from before picture sizes THEN the upgrade keeps every choice made and adds no size', async () => {
    const tmp = tempDir();
    try {
      const old = join(tmp.dir, 'migrations');
      mkdirSync(old);
      for (const f of readdirSync(migrationsDirOf(engine)).filter((f) => /^000[1-4]__/.test(f))) copyFileSync(join(migrationsDirOf(engine), f), join(old, f));
      const target = fx.newTarget();
      const before = await openDatabase(target, { migrationsDir: old });
      await new UserSettingsRepo(before).setFavouritesPublic('dana', true);
      await before.close();
      const after = await openDatabase(target);
      try {
        const settings = new UserSettingsRepo(after);
        expect([await settings.favouritesPublic('dana'), await settings.pictureSize('dana')]).toEqual([true, undefined]);
      } finally {
        await after.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});
