import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { FavouritesRepo, type NewFavourite } from '../../src/store/favourites.ts';
import { MorphStateRepo } from '../../src/store/morph-state.ts';
import { openDatabase } from '../../src/store/open.ts';
import { dropFailure, engineFixture, enginesUnderTest, failWrites } from './engines.ts';
import { manualClock, zOf } from './helpers.ts';

const ALICE = '111111111111111111';
const BOB = '222222222222222222';
/** One float16 value (1.0), as the z column holds it. */
const Z16 = new Uint8Array([0, 0x3c]);
const fav = (k: number, extra: Partial<NewFavourite> = {}): NewFavourite => ({
  modelId: 'lorelei64-r1',
  z: zOf(k, -k / 2, 0.25),
  tags: { blonde_hair: 1, smile: k / 10 },
  ...extra,
});

describe.each(enginesUnderTest())('%s', (engine) => {
  const fx = engineFixture(engine);
  let target: string;
  let db: Db;
  let clock: ReturnType<typeof manualClock>;
  let repo: FavouritesRepo;
  beforeEach(async () => {
    target = fx.newTarget();
    db = await openDatabase(target);
    clock = manualClock();
    repo = new FavouritesRepo(db, { now: clock.now });
  });
  afterEach(() => db.close());

  async function addMany(user: string, n: number, r = repo): Promise<void> {
    for (let k = 1; k <= n; k++) {
      expect((await r.add(user, fav(k))).ok).toBe(true);
      clock.advance(1000);
    }
  }

  describe('FavouritesRepo', () => {
    it('GIVEN a new favourite THEN it comes back with z within float16 precision and zero tags dropped', async () => {
      const z = new Float32Array(100).map((_, i) => Math.sin(i) * 2.5);
      const r = await repo.add(ALICE, { modelId: 'm1', z, tags: { red_hair: 1, smile: 0.3333, glasses: 0 }, name: '  Aki   chan ' });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const f = r.favourite;
      expect(f).toMatchObject({ index: 1, userId: ALICE, modelId: 'm1', name: 'Aki chan', tags: { red_hair: 1, smile: 0.3333 }, createdAt: clock.now() });
      expect(f.z).toHaveLength(100);
      for (let i = 0; i < 100; i++) expect(Math.abs(f.z[i]! - z[i]!)).toBeLessThanOrEqual(Math.abs(z[i]!) * 2 ** -11 + 1e-7);
      expect((await db.get<{ n: number }>('SELECT length(z) AS n FROM favourites'))!.n).toBe(200);
    });

    it('GIVEN several adds THEN list is newest first with indexes 1…N', async () => {
      await addMany(ALICE, 3);
      const list = await repo.list(ALICE);
      expect(list.map((f) => f.index)).toEqual([1, 2, 3]);
      expect(list.map((f) => f.z[0])).toEqual([3, 2, 1]); // newest (k = 3) first
    });

    it('GIVEN adds within the same millisecond THEN the later one still lists first', async () => {
      await repo.add(ALICE, fav(1));
      await repo.add(ALICE, fav(2));
      expect((await repo.list(ALICE)).map((f) => f.z[0])).toEqual([2, 1]);
    });

    it('GIVEN 7 favourites THEN the 8th is refused with limit_reached and a message', async () => {
      await addMany(ALICE, 7);
      const r = await repo.add(ALICE, fav(8));
      expect(r).toMatchObject({ ok: false, code: 'limit_reached', limit: 7 });
      if (!r.ok) expect(r.message).toMatch(/7 favourites/);
      expect(await repo.count(ALICE)).toBe(7);
    });

    it('GIVEN a configured limit of 3 THEN the 4th is refused; after a remove there is room again', async () => {
      const small = new FavouritesRepo(db, { limit: 3, now: clock.now });
      await addMany(ALICE, 3, small);
      expect(await small.add(ALICE, fav(4))).toMatchObject({ ok: false, code: 'limit_reached', limit: 3 });
      expect((await small.remove(ALICE, 2)).ok).toBe(true);
      expect((await small.add(ALICE, fav(5))).ok).toBe(true);
      expect(await small.count(ALICE)).toBe(3);
      expect(() => new FavouritesRepo(db, { limit: 26 })).toThrow(RangeError);
    });

    it('GIVEN an index THEN get returns that favourite, and a missing one is not_found with a message', async () => {
      await addMany(ALICE, 3);
      const r = await repo.get(ALICE, 3);
      expect(r.ok && r.favourite.z[0]).toBe(1);
      for (const bad of [0, 4, 1.5, -1]) {
        const miss = await repo.get(ALICE, bad);
        expect(miss).toMatchObject({ ok: false, code: 'not_found' });
      }
      const miss = await repo.get(ALICE, 4);
      if (!miss.ok) expect(miss.message).toBe('There is no favourite #4. You have 3 (1–3).');
      const none = await repo.get(BOB, 1);
      if (!none.ok) expect(none.message).toMatch(/no favourites yet/);
    });

    it('GIVEN remove by index THEN later favourites move up one index', async () => {
      await addMany(ALICE, 4); // indexes: 1 = k4, 2 = k3, 3 = k2, 4 = k1
      const r = await repo.remove(ALICE, 2);
      expect(r.ok && r.favourite.z[0]).toBe(3);
      expect((await repo.list(ALICE)).map((f) => [f.index, f.z[0]])).toEqual([
        [1, 4],
        [2, 2],
        [3, 1],
      ]);
      expect(await repo.remove(ALICE, 4)).toMatchObject({ ok: false, code: 'not_found' });
    });

    it('GIVEN remove by row id THEN that very favourite goes, however the indexes moved, and only once', async () => {
      await addMany(ALICE, 3); // indexes: 1 = k3, 2 = k2, 3 = k1
      const k2 = (await repo.list(ALICE))[1]!;
      expect((await repo.add(ALICE, fav(10))).ok).toBe(true); // k2 is now #3
      expect((await repo.removeById(ALICE, k2.id))?.z[0]).toBe(2);
      expect((await repo.list(ALICE)).map((f) => f.z[0])).toEqual([10, 3, 1]);
      expect(await repo.removeById(ALICE, k2.id)).toBeNull();
    });

    it('GIVEN rename by index THEN the name is set, cleaned, and cleared with null', async () => {
      await addMany(ALICE, 2);
      expect(await repo.rename(ALICE, 2, '  初音   ミク ')).toMatchObject({ ok: true, favourite: { name: '初音 ミク' } });
      expect(await repo.get(ALICE, 2)).toMatchObject({ ok: true, favourite: { name: '初音 ミク' } });
      expect((await repo.rename(ALICE, 2, 'あ'.repeat(32))).ok).toBe(true); // 32 code points, 96 UTF-8 bytes
      expect(await repo.rename(ALICE, 2, null)).toMatchObject({ ok: true, favourite: { name: null } });
      expect(await repo.get(ALICE, 2)).toMatchObject({ ok: true, favourite: { name: null } });
    });

    it('GIVEN an invalid name THEN invalid_name and nothing changes', async () => {
      await addMany(ALICE, 2);
      await repo.rename(ALICE, 1, 'Keep');
      const before = await repo.list(ALICE);
      for (const bad of ['', '   ', 'x'.repeat(33), 'bell\u0007', '\u200b', '\u200b \u200d\ufeff', '\u3164', '\u2800', '\u0301']) {
        expect(await repo.rename(ALICE, 1, bad)).toMatchObject({ ok: false, code: 'invalid_name' });
        expect(await repo.add(ALICE, fav(9, { name: bad }))).toMatchObject({ ok: false, code: 'invalid_name' });
      }
      expect(await repo.list(ALICE)).toEqual(before);
    });

    it('GIVEN a write that fails inside the database THEN the favourites are unchanged', async () => {
      await addMany(ALICE, 2);
      const before = await repo.list(ALICE);
      // Simulate a failure after the repository's checks passed (disk error, constraint…).
      await failWrites(db, 'favourites', 'UPDATE OF name', 'fail_rename');
      await failWrites(db, 'favourites', 'INSERT', 'fail_insert');
      await expect(repo.rename(ALICE, 1, 'New')).rejects.toThrow('simulated failure');
      await expect(repo.add(ALICE, fav(3))).rejects.toThrow('simulated failure');
      expect(await repo.list(ALICE)).toEqual(before);
      // A transaction that fails after its first write leaves nothing of it.
      await dropFailure(db, 'favourites', 'fail_insert');
      await expect(
        db.transaction(async (tx) => {
          await tx.run('DELETE FROM favourites WHERE user_id = ?', ALICE);
          throw new Error('later step failed');
        }),
      ).rejects.toThrow('later step failed');
      expect(await repo.list(ALICE)).toEqual(before);
    });

    it('GIVEN two users THEN neither can read or change the other’s favourites', async () => {
      await addMany(ALICE, 2);
      const aliceFirst = (await repo.list(ALICE))[0]!;
      expect(await repo.list(BOB)).toEqual([]);
      expect(await repo.count(BOB)).toBe(0);
      expect((await repo.get(BOB, 1)).ok).toBe(false);
      expect(await repo.byId(BOB, aliceFirst.id)).toBeNull();
      expect((await repo.byId(ALICE, aliceFirst.id))?.index).toBe(1);
      expect((await repo.remove(BOB, 1)).ok).toBe(false);
      expect(await repo.removeById(BOB, aliceFirst.id)).toBeNull();
      expect((await repo.rename(BOB, 1, 'mine')).ok).toBe(false);
      const morph = new MorphStateRepo(db);
      expect(await morph.setLastTarget(BOB, aliceFirst.id, { red_hair: 1 }, null)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await morph.getLastTarget(BOB, aliceFirst.id)).toBeNull();
      // Bob's own 7 do not count against Alice, and Alice's data is untouched.
      await addMany(BOB, 7);
      expect(await repo.count(ALICE)).toBe(2);
      expect((await repo.list(ALICE))[0]).toEqual(aliceFirst);
    });

    it('GIVEN a slot already taken THEN the schema refuses a second row in it (the cross-process backstop)', async () => {
      await addMany(ALICE, 1);
      await expect(db.run("INSERT INTO favourites (user_id, slot, model_id, z, tags, created_at) VALUES (?, 1, 'm', ?, '{}', 0)", ALICE, Z16)).rejects.toThrow(
        /unique/i,
      );
      await expect(db.run("INSERT INTO favourites (user_id, slot, model_id, z, tags, created_at) VALUES (?, 26, 'm', ?, '{}', 0)", ALICE, Z16)).rejects.toThrow(
        /check/i,
      );
    });

    it('GIVEN data the schema cannot hold THEN invalid_input is thrown (a caller bug)', async () => {
      await expect(repo.add(ALICE, fav(1, { z: zOf(NaN) }))).rejects.toThrow(expect.objectContaining({ code: 'invalid_input' }));
      await expect(repo.add(ALICE, fav(1, { z: zOf(70000) }))).rejects.toThrow(expect.objectContaining({ code: 'invalid_input' }));
      await expect(repo.add(ALICE, fav(1, { tags: { smile: Infinity } }))).rejects.toThrow(expect.objectContaining({ code: 'invalid_input' }));
      await expect(repo.add('', fav(1))).rejects.toThrow(expect.objectContaining({ code: 'invalid_input' }));
      expect(await repo.count(ALICE)).toBe(0);
    });
  });

  describe('FavouritesRepo: the same girl twice (#10 item 8)', () => {
    it('GIVEN the same model, z and tags again THEN add answers duplicate with her current number and makes no row', async () => {
      expect((await repo.add(ALICE, fav(1))).ok).toBe(true);
      clock.advance(1000);
      expect((await repo.add(ALICE, fav(2))).ok).toBe(true);
      const again = await repo.add(ALICE, { ...fav(1), name: 'Other name' });
      expect(again).toMatchObject({ ok: false, code: 'duplicate', favourite: { index: 2 } });
      expect(await repo.count(ALICE)).toBe(2);
      // Other tags, another model or another user: a different favourite.
      expect((await repo.add(ALICE, fav(1, { tags: { red_hair: 1 } }))).ok).toBe(true);
      expect((await repo.add(ALICE, fav(1, { modelId: 'other' }))).ok).toBe(true);
      expect((await repo.add(BOB, fav(1))).ok).toBe(true);
    });

    it('GIVEN two connections adding the same girl THEN the second is told duplicate (checked inside the write transaction)', async () => {
      // A second connection (SQLite) or pool (PostgreSQL) to the same database: another process.
      const a = db;
      const b = await openDatabase(target);
      try {
        const ra = new FavouritesRepo(a);
        const rb = new FavouritesRepo(b);
        expect((await ra.add(ALICE, fav(3))).ok).toBe(true);
        expect(await rb.add(ALICE, fav(3))).toMatchObject({ ok: false, code: 'duplicate' });
        expect(await ra.count(ALICE)).toBe(1);
      } finally {
        await b.close();
      }
    });
  });
});
