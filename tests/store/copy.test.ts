import { describe, expect, it } from 'vitest';
import { copyStore } from '../../src/store/copy.ts';
import { FavouritesRepo } from '../../src/store/favourites.ts';
import { GachaResultsRepo } from '../../src/store/gacha-results.ts';
import { GiftsRepo } from '../../src/store/gifts.ts';
import { MorphStateRepo } from '../../src/store/morph-state.ts';
import { openDatabase } from '../../src/store/open.ts';
import { UserSettingsRepo } from '../../src/store/user-settings.ts';
import { engineFixture, enginesUnderTest } from './engines.ts';
import { tempDir, zOf } from './helpers.ts';
import { join } from 'node:path';

describe.each(enginesUnderTest())('copying a SQLite store to %s', (engine) => {
  const fx = engineFixture(engine);

  it('GIVEN favourites (one removed), stored pictures, a morph chain and gifts THEN all arrive with their ids, and new favourites and offers get new ids', async () => {
    const tmp = tempDir();
    const source = await openDatabase(join(tmp.dir, 'old.db'));
    const target = await openDatabase(fx.newTarget());
    try {
      const favs = new FavouritesRepo(source);
      for (let k = 1; k <= 4; k++) await favs.add('alice', { modelId: 'm', z: zOf(k, -k), tags: { smile: k / 4 }, name: k === 2 ? 'Aki' : null });
      await favs.add('bob', { modelId: 'm', z: zOf(9), tags: { red_hair: 1 } });
      await favs.remove('alice', 1); // ids 1–5 with a hole at 4
      const results = new GachaResultsRepo(source);
      const picture = await results.save({ userId: 'alice', modelId: 'm', tags: { smile: 1 }, draws: [{ seed: 3 }, { z: zOf(0.5) }] });
      const chainOf = (await favs.list('alice'))[0]!;
      await new MorphStateRepo(source).setLastTarget('alice', chainOf.id, { blonde_hair: 1 }, null);
      const gifts = new GiftsRepo(source, { favouritesLimit: 7 });
      const declined = await gifts.offer('alice', chainOf.id, 'bob');
      const open = await gifts.offer('alice', chainOf.id, 'dan');
      if (!declined.ok || !open.ok) throw new Error('offers refused');
      await gifts.decline('bob', declined.offer.id);

      await new UserSettingsRepo(source).setFavouritesPublic('bob', true);
      await new UserSettingsRepo(source).setPictureSize('bob', 256);

      const counts = await copyStore(source, target);
      expect(counts).toEqual({ favourites: 4, gacha_results: 1, morph_state: 1, user_settings: 1, gift_offers: 2, gift_declines: 1 });
      const copied = new FavouritesRepo(target);
      expect(await copied.list('alice')).toEqual(await favs.list('alice'));
      expect(await copied.list('bob')).toEqual(await favs.list('bob'));
      expect(await new GachaResultsRepo(target).get(picture.id)).toEqual({ ok: true, result: picture });
      expect(await new MorphStateRepo(target).getLastTarget('alice', chainOf.id)).toEqual({ blonde_hair: 1 });
      expect([await new UserSettingsRepo(target).favouritesPublic('bob'), await new UserSettingsRepo(target).favouritesPublic('alice')]).toEqual([true, false]);
      expect(await new UserSettingsRepo(target).pictureSize('bob')).toBe(256);
      const added = await copied.add('carol', { modelId: 'm', z: zOf(7), tags: {} });
      expect(added.ok && added.favourite.id).toBeGreaterThan(5);
      // The open offer's buttons still work in the new store; the decline still counts.
      const copiedGifts = new GiftsRepo(target, { favouritesLimit: 7 });
      expect(await copiedGifts.accept('dan', open.offer.id)).toMatchObject({ ok: true, favourite: { userId: 'dan' } });
      expect(await copiedGifts.declines('bob', 'alice')).toBe(1);
      const another = await copiedGifts.offer('alice', chainOf.id, 'erin');
      expect(another.ok && another.offer.id).toBeGreaterThan(open.offer.id);

      // A second copy into a store that is no longer empty is refused, and changes nothing.
      await expect(copyStore(source, target)).rejects.toThrow(/already holds favourites/);
      expect(await copied.count('alice')).toBe(3);
    } finally {
      await source.close();
      await target.close();
      tmp.cleanup();
    }
  }, 30_000);
});
