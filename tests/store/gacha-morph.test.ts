import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { FavouritesRepo } from '../../src/store/favourites.ts';
import { GachaResultsRepo } from '../../src/store/gacha-results.ts';
import { MorphStateRepo } from '../../src/store/morph-state.ts';
import { manualClock, zOf } from './helpers.ts';

const HOUR = 3_600_000;
let db: Db;
let clock: ReturnType<typeof manualClock>;
beforeEach(() => {
  db = openDatabase(':memory:');
  clock = manualClock();
});
afterEach(() => db.close());

describe('GachaResultsRepo', () => {
  it('GIVEN a saved result THEN get returns it with a short custom_id-safe id', () => {
    const repo = new GachaResultsRepo(db, { now: clock.now, ttlMs: HOUR });
    const saved = repo.save({
      userId: 'u1',
      modelId: 'lorelei64-r1',
      tags: { blonde_hair: 1, twintails: 1, glasses: 0 },
      draws: [{ seed: 0 }, { seed: 4294967295 }, { z: zOf(0.5, -1.25, 3) }],
      params: { kind: 'gacha', psi: 0.8, randomFill: false },
    });
    expect(saved.id).toMatch(/^[A-Za-z0-9_-]{1,16}$/);
    const got = repo.get(saved.id);
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
    expect(repo.save({ userId: 'u1', modelId: 'm', tags: {}, draws: [{ seed: 1 }] }).id).not.toBe(saved.id);
  });

  it('GIVEN time passes THEN expired and never-existing ids answer differently, and purge removes only expired rows', () => {
    const repo = new GachaResultsRepo(db, { now: clock.now, ttlMs: HOUR });
    const old = repo.save({ userId: 'u1', modelId: 'm', tags: {}, draws: [{ seed: 1 }] });
    const longer = repo.save({ userId: 'u1', modelId: 'm', tags: {}, draws: [{ seed: 2 }], ttlMs: 3 * HOUR });
    clock.advance(HOUR);
    expect(repo.get(old.id)).toMatchObject({ ok: false, code: 'expired' });
    expect(repo.get('nosuchid')).toMatchObject({ ok: false, code: 'not_found' });
    expect(repo.get('bad id with spaces')).toMatchObject({ ok: false, code: 'not_found' });
    expect(repo.get(longer.id).ok).toBe(true);
    expect(repo.purgeExpired()).toBe(1);
    expect(repo.get(old.id)).toMatchObject({ ok: false, code: 'not_found' });
    expect(repo.purgeExpired(clock.now() + 10 * HOUR)).toBe(1);
    expect(repo.get(longer.id)).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('GIVEN a colliding id THEN save retries with a fresh one', () => {
    const ids = ['sameid', 'sameid', 'other1'];
    const repo = new GachaResultsRepo(db, { now: clock.now, newId: () => ids.shift()! });
    expect(repo.save({ userId: 'u', modelId: 'm', tags: {}, draws: [{ seed: 1 }] }).id).toBe('sameid');
    expect(repo.save({ userId: 'u', modelId: 'm', tags: {}, draws: [{ seed: 2 }] }).id).toBe('other1');
  });

  it('GIVEN invalid draws THEN invalid_input and nothing is stored', () => {
    const repo = new GachaResultsRepo(db, { now: clock.now });
    for (const draws of [[], [{ seed: -1 }], [{ seed: 1.5 }], [{ z: zOf(Infinity) }]]) {
      expect(() => repo.save({ userId: 'u', modelId: 'm', tags: {}, draws })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
    expect(db.get<{ n: number }>('SELECT count(*) AS n FROM gacha_results')!.n).toBe(0);
  });
});

describe('MorphStateRepo', () => {
  it('GIVEN a favourite morphed twice THEN the next morph starts from the last target; removal drops it', () => {
    const favs = new FavouritesRepo(db, { now: clock.now });
    const morph = new MorphStateRepo(db, { now: clock.now });
    const added = favs.add('u1', { modelId: 'm', z: zOf(1), tags: { blonde_hair: 1 } });
    if (!added.ok) throw new Error('add failed');
    const id = added.favourite.id;
    expect(morph.getLastTarget('u1', id)).toBeNull();
    expect(morph.setLastTarget('u1', id, { red_hair: 1, smile: 0.5 })).toEqual({ ok: true });
    expect(morph.getLastTarget('u1', id)).toEqual({ red_hair: 1, smile: 0.5 });
    expect(morph.setLastTarget('u1', id, { black_hair: 1 })).toEqual({ ok: true });
    expect(morph.getLastTarget('u1', id)).toEqual({ black_hair: 1 });
    expect(favs.remove('u1', 1).ok).toBe(true);
    expect(morph.getLastTarget('u1', id)).toBeNull();
    expect(morph.setLastTarget('u1', id, { red_hair: 1 })).toMatchObject({ ok: false, code: 'not_found' });
    expect(db.get<{ n: number }>('SELECT count(*) AS n FROM morph_state')!.n).toBe(0);
  });
});
