import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { FavouritesRepo } from '../../src/store/favourites.ts';
import { GachaResultsRepo } from '../../src/store/gacha-results.ts';
import { MorphStateRepo } from '../../src/store/morph-state.ts';
import { openDatabase } from '../../src/store/open.ts';
import { engineFixture, enginesUnderTest } from './engines.ts';
import { manualClock, zOf } from './helpers.ts';

const HOUR = 3_600_000;

describe.each(enginesUnderTest())('%s', (engine) => {
  const fx = engineFixture(engine);
  let db: Db;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(async () => {
    db = await openDatabase(fx.newTarget());
    clock = manualClock();
  });
  afterEach(() => db.close());

  describe('GachaResultsRepo', () => {
    it('GIVEN a saved result THEN get returns it with a short custom_id-safe id', async () => {
      const repo = new GachaResultsRepo(db, { now: clock.now, ttlMs: HOUR });
      const saved = await repo.save({
        userId: 'u1',
        modelId: 'lorelei64-r1',
        tags: { blonde_hair: 1, twintails: 1, glasses: 0 },
        draws: [{ seed: 0 }, { seed: 4294967295 }, { z: zOf(0.5, -1.25, 3) }],
        params: { kind: 'gacha', psi: 0.8, randomFill: false, fillVersion: 2 },
      });
      expect(saved.id).toMatch(/^[A-Za-z0-9_-]{1,16}$/);
      const got = await repo.get(saved.id);
      expect(got).toEqual({ ok: true, result: saved });
      if (!got.ok) return;
      expect(got.result).toMatchObject({
        userId: 'u1',
        tags: { blonde_hair: 1, twintails: 1 },
        draws: [{ seed: 0 }, { seed: 4294967295 }, { z: zOf(0.5, -1.25, 3) }],
        params: { kind: 'gacha', psi: 0.8, randomFill: false },
        createdAt: clock.now(),
        expiresAt: clock.now() + HOUR,
      });
      expect((await repo.save({ userId: 'u1', modelId: 'm', tags: {}, draws: [{ seed: 1 }] })).id).not.toBe(saved.id);
    });

    it('GIVEN time passes THEN expired and never-existing ids answer differently, and purge removes only expired rows', async () => {
      const repo = new GachaResultsRepo(db, { now: clock.now, ttlMs: HOUR });
      const old = await repo.save({ userId: 'u1', modelId: 'm', tags: {}, draws: [{ seed: 1 }] });
      const longer = await repo.save({ userId: 'u1', modelId: 'm', tags: {}, draws: [{ seed: 2 }], ttlMs: 3 * HOUR });
      clock.advance(HOUR);
      expect(await repo.get(old.id)).toMatchObject({ ok: false, code: 'expired' });
      expect(await repo.get('nosuchid')).toMatchObject({ ok: false, code: 'not_found' });
      expect(await repo.get('bad id with spaces')).toMatchObject({ ok: false, code: 'not_found' });
      expect((await repo.get(longer.id)).ok).toBe(true);
      expect(await repo.purgeExpired()).toBe(1);
      expect(await repo.get(old.id)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await repo.purgeExpired(clock.now() + 10 * HOUR)).toBe(1);
      expect(await repo.get(longer.id)).toMatchObject({ ok: false, code: 'not_found' });
    });

    it('GIVEN a colliding id THEN save retries with a fresh one', async () => {
      const ids = ['sameid', 'sameid', 'other1'];
      const repo = new GachaResultsRepo(db, { now: clock.now, newId: () => ids.shift()! });
      expect((await repo.save({ userId: 'u', modelId: 'm', tags: {}, draws: [{ seed: 1 }] })).id).toBe('sameid');
      expect((await repo.save({ userId: 'u', modelId: 'm', tags: {}, draws: [{ seed: 2 }] })).id).toBe('other1');
    });

    it('GIVEN invalid draws THEN invalid_input and nothing is stored', async () => {
      const repo = new GachaResultsRepo(db, { now: clock.now });
      for (const draws of [[], [{ seed: -1 }], [{ seed: 1.5 }], [{ z: zOf(Infinity) }]]) {
        await expect(repo.save({ userId: 'u', modelId: 'm', tags: {}, draws })).rejects.toThrow(expect.objectContaining({ code: 'invalid_input' }));
      }
      expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM gacha_results'))!.n).toBe(0);
    });
  });

  /** Repositories on the test's database and one favourite of user u1 (its row id). */
  async function oneFavourite() {
    const favs = new FavouritesRepo(db, { now: clock.now });
    const morph = new MorphStateRepo(db, { now: clock.now });
    const added = await favs.add('u1', { modelId: 'm', z: zOf(1), tags: { blonde_hair: 1 } });
    if (!added.ok) throw new Error('add failed');
    return { favs, morph, id: added.favourite.id };
  }

  describe('MorphStateRepo', () => {
    it('GIVEN a favourite morphed twice THEN the next morph starts from the last target; removal drops it', async () => {
      const { favs, morph, id } = await oneFavourite();
      expect(await morph.getLastTarget('u1', id)).toBeNull();
      expect(await morph.setLastTarget('u1', id, { red_hair: 1, smile: 0.5 }, null)).toEqual({ ok: true });
      expect(await morph.getLastTarget('u1', id)).toEqual({ red_hair: 1, smile: 0.5 });
      expect(await morph.setLastTarget('u1', id, { black_hair: 1 }, { red_hair: 1, smile: 0.5 })).toEqual({ ok: true });
      expect(await morph.getLastTarget('u1', id)).toEqual({ black_hair: 1 });
      expect((await favs.remove('u1', 1)).ok).toBe(true);
      expect(await morph.getLastTarget('u1', id)).toBeNull();
      expect(await morph.setLastTarget('u1', id, { red_hair: 1 }, null)).toMatchObject({ ok: false, code: 'not_found' });
      expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM morph_state'))!.n).toBe(0);
    });
  });

  it('GIVEN two morphs of one favourite drawn at once THEN only the first to finish moves the chain: it never forks', async () => {
    const { morph, id } = await oneFavourite();
    // Both read the chain's end (never morphed), draw, then try to move it on.
    const [a, b] = await Promise.all([morph.setLastTarget('u1', id, { red_hair: 1 }, null), morph.setLastTarget('u1', id, { black_hair: 1 }, null)]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    const loser = [a, b].find((r) => !r.ok);
    const winner = a.ok ? { red_hair: 1 } : { black_hair: 1 };
    expect(loser).toMatchObject({ ok: false, code: 'moved_on', current: winner });
    expect(await morph.getLastTarget('u1', id)).toEqual(winner);
  });
});
