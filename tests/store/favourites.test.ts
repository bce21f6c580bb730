import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { FavouritesRepo, type NewFavourite } from '../../src/store/favourites.ts';
import { MorphStateRepo } from '../../src/store/morph-state.ts';
import { manualClock, zOf } from './helpers.ts';

const ALICE = '111111111111111111';
const BOB = '222222222222222222';
const fav = (k: number, extra: Partial<NewFavourite> = {}): NewFavourite => ({
  modelId: 'lorelei64-r1',
  z: zOf(k, -k / 2, 0.25),
  tags: { blonde_hair: 1, smile: k / 10 },
  ...extra,
});

let db: Db;
let clock: ReturnType<typeof manualClock>;
let repo: FavouritesRepo;
beforeEach(() => {
  db = openDatabase(':memory:');
  clock = manualClock();
  repo = new FavouritesRepo(db, { now: clock.now });
});
afterEach(() => db.close());

function addMany(user: string, n: number, r = repo): void {
  for (let k = 1; k <= n; k++) {
    expect(r.add(user, fav(k)).ok).toBe(true);
    clock.advance(1000);
  }
}

describe('FavouritesRepo', () => {
  it('GIVEN a new favourite THEN it comes back with z within float16 precision and zero tags dropped', () => {
    const z = new Float32Array(100).map((_, i) => Math.sin(i) * 2.5);
    const r = repo.add(ALICE, { modelId: 'm1', z, tags: { red_hair: 1, smile: 0.3333, glasses: 0 }, name: '  Aki   chan ' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const f = r.favourite;
    expect(f).toMatchObject({ index: 1, userId: ALICE, modelId: 'm1', name: 'Aki chan', tags: { red_hair: 1, smile: 0.3333 }, createdAt: clock.now() });
    expect(f.z).toHaveLength(100);
    for (let i = 0; i < 100; i++) expect(Math.abs(f.z[i]! - z[i]!)).toBeLessThanOrEqual(Math.abs(z[i]!) * 2 ** -11 + 1e-7);
    expect(db.get<{ n: number }>('SELECT length(z) AS n FROM favourites')!.n).toBe(200);
  });

  it('GIVEN several adds THEN list is newest first with indexes 1…N', () => {
    addMany(ALICE, 3);
    const list = repo.list(ALICE);
    expect(list.map((f) => f.index)).toEqual([1, 2, 3]);
    expect(list.map((f) => f.z[0])).toEqual([3, 2, 1]); // newest (k = 3) first
  });

  it('GIVEN adds within the same millisecond THEN the later one still lists first', () => {
    repo.add(ALICE, fav(1));
    repo.add(ALICE, fav(2));
    expect(repo.list(ALICE).map((f) => f.z[0])).toEqual([2, 1]);
  });

  it('GIVEN 7 favourites THEN the 8th is refused with limit_reached and a message', () => {
    addMany(ALICE, 7);
    const r = repo.add(ALICE, fav(8));
    expect(r).toMatchObject({ ok: false, code: 'limit_reached', limit: 7 });
    if (!r.ok) expect(r.message).toMatch(/7 favourites/);
    expect(repo.count(ALICE)).toBe(7);
  });

  it('GIVEN a configured limit of 3 THEN the 4th is refused; after a remove there is room again', () => {
    const small = new FavouritesRepo(db, { limit: 3, now: clock.now });
    addMany(ALICE, 3, small);
    expect(small.add(ALICE, fav(4))).toMatchObject({ ok: false, code: 'limit_reached', limit: 3 });
    expect(small.remove(ALICE, 2).ok).toBe(true);
    expect(small.add(ALICE, fav(5)).ok).toBe(true);
    expect(small.count(ALICE)).toBe(3);
    expect(() => new FavouritesRepo(db, { limit: 26 })).toThrow(RangeError);
  });

  it('GIVEN an index THEN get returns that favourite, and a missing one is not_found with a message', () => {
    addMany(ALICE, 3);
    const r = repo.get(ALICE, 3);
    expect(r.ok && r.favourite.z[0]).toBe(1);
    for (const bad of [0, 4, 1.5, -1]) {
      const miss = repo.get(ALICE, bad);
      expect(miss).toMatchObject({ ok: false, code: 'not_found' });
    }
    const miss = repo.get(ALICE, 4);
    if (!miss.ok) expect(miss.message).toBe('There is no favourite #4. You have 3 (1–3).');
    const none = repo.get(BOB, 1);
    if (!none.ok) expect(none.message).toMatch(/no favourites yet/);
  });

  it('GIVEN remove by index THEN later favourites move up one index', () => {
    addMany(ALICE, 4); // indexes: 1 = k4, 2 = k3, 3 = k2, 4 = k1
    const r = repo.remove(ALICE, 2);
    expect(r.ok && r.favourite.z[0]).toBe(3);
    expect(repo.list(ALICE).map((f) => [f.index, f.z[0]])).toEqual([
      [1, 4],
      [2, 2],
      [3, 1],
    ]);
    expect(repo.remove(ALICE, 4)).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('GIVEN remove by row id THEN that very favourite goes, however the indexes moved, and only once', () => {
    addMany(ALICE, 3); // indexes: 1 = k3, 2 = k2, 3 = k1
    const k2 = repo.list(ALICE)[1]!;
    expect(repo.add(ALICE, fav(10)).ok).toBe(true); // k2 is now #3
    expect(repo.removeById(ALICE, k2.id)?.z[0]).toBe(2);
    expect(repo.list(ALICE).map((f) => f.z[0])).toEqual([10, 3, 1]);
    expect(repo.removeById(ALICE, k2.id)).toBeNull();
  });

  it('GIVEN rename by index THEN the name is set, cleaned, and cleared with null', () => {
    addMany(ALICE, 2);
    expect(repo.rename(ALICE, 2, '  初音   ミク ')).toMatchObject({ ok: true, favourite: { name: '初音 ミク' } });
    expect(repo.get(ALICE, 2)).toMatchObject({ ok: true, favourite: { name: '初音 ミク' } });
    expect(repo.rename(ALICE, 2, 'あ'.repeat(32)).ok).toBe(true); // 32 code points, 96 UTF-8 bytes
    expect(repo.rename(ALICE, 2, null)).toMatchObject({ ok: true, favourite: { name: null } });
    expect(repo.get(ALICE, 2)).toMatchObject({ ok: true, favourite: { name: null } });
  });

  it('GIVEN an invalid name THEN invalid_name and nothing changes', () => {
    addMany(ALICE, 2);
    repo.rename(ALICE, 1, 'Keep');
    const before = repo.list(ALICE);
    for (const bad of ['', '   ', 'x'.repeat(33), 'bell\u0007', '\u200b', '\u200b \u200d\ufeff', '\u3164', '\u2800', '\u0301']) {
      expect(repo.rename(ALICE, 1, bad)).toMatchObject({ ok: false, code: 'invalid_name' });
      expect(repo.add(ALICE, fav(9, { name: bad }))).toMatchObject({ ok: false, code: 'invalid_name' });
    }
    expect(repo.list(ALICE)).toEqual(before);
  });

  it('GIVEN a write that fails inside SQLite THEN the favourites are unchanged', () => {
    addMany(ALICE, 2);
    const before = repo.list(ALICE);
    // Simulate a failure after the repository's checks passed (disk error, constraint…).
    db.exec("CREATE TEMP TRIGGER fail_rename BEFORE UPDATE OF name ON favourites BEGIN SELECT RAISE(ABORT, 'simulated failure'); END");
    db.exec("CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON favourites BEGIN SELECT RAISE(ABORT, 'simulated failure'); END");
    expect(() => repo.rename(ALICE, 1, 'New')).toThrow('simulated failure');
    expect(() => repo.add(ALICE, fav(3))).toThrow('simulated failure');
    expect(repo.list(ALICE)).toEqual(before);
    // A caller's larger transaction rolls back the repository's writes with it.
    db.exec('DROP TRIGGER fail_insert');
    expect(() =>
      db.transaction(() => {
        repo.add(ALICE, fav(4));
        repo.remove(ALICE, 3);
        throw new Error('later step failed');
      }),
    ).toThrow('later step failed');
    expect(repo.list(ALICE)).toEqual(before);
  });

  it('GIVEN two users THEN neither can read or change the other’s favourites', () => {
    addMany(ALICE, 2);
    const aliceFirst = repo.list(ALICE)[0]!;
    expect(repo.list(BOB)).toEqual([]);
    expect(repo.count(BOB)).toBe(0);
    expect(repo.get(BOB, 1).ok).toBe(false);
    expect(repo.byId(BOB, aliceFirst.id)).toBeNull();
    expect(repo.byId(ALICE, aliceFirst.id)?.index).toBe(1);
    expect(repo.remove(BOB, 1).ok).toBe(false);
    expect(repo.removeById(BOB, aliceFirst.id)).toBeNull();
    expect(repo.rename(BOB, 1, 'mine').ok).toBe(false);
    const morph = new MorphStateRepo(db);
    expect(morph.setLastTarget(BOB, aliceFirst.id, { red_hair: 1 })).toMatchObject({ ok: false, code: 'not_found' });
    expect(morph.getLastTarget(BOB, aliceFirst.id)).toBeNull();
    // Bob's own 7 do not count against Alice, and Alice's data is untouched.
    addMany(BOB, 7);
    expect(repo.count(ALICE)).toBe(2);
    expect(repo.list(ALICE)[0]).toEqual(aliceFirst);
  });

  it('GIVEN a slot already taken THEN the schema refuses a second row in it (the cross-process backstop)', () => {
    addMany(ALICE, 1);
    expect(() => db.run("INSERT INTO favourites (user_id, slot, model_id, z, tags, created_at) VALUES (?, 1, 'm', x'003c', '{}', 0)", ALICE)).toThrow(/UNIQUE/);
    expect(() => db.run("INSERT INTO favourites (user_id, slot, model_id, z, tags, created_at) VALUES (?, 26, 'm', x'003c', '{}', 0)", ALICE)).toThrow(/CHECK/);
  });

  it('GIVEN data the schema cannot hold THEN invalid_input is thrown (a caller bug)', () => {
    expect(() => repo.add(ALICE, fav(1, { z: zOf(NaN) }))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => repo.add(ALICE, fav(1, { z: zOf(70000) }))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => repo.add(ALICE, fav(1, { tags: { smile: Infinity } }))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => repo.add('', fav(1))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(repo.count(ALICE)).toBe(0);
  });
});

describe('FavouritesRepo: the same girl twice (#10 item 8)', () => {
  it('GIVEN the same model, z and tags again THEN add answers duplicate with her current number and makes no row', () => {
    expect(repo.add(ALICE, fav(1)).ok).toBe(true);
    clock.advance(1000);
    expect(repo.add(ALICE, fav(2)).ok).toBe(true);
    const again = repo.add(ALICE, { ...fav(1), name: 'Other name' });
    expect(again).toMatchObject({ ok: false, code: 'duplicate', favourite: { index: 2 } });
    expect(repo.count(ALICE)).toBe(2);
    // Other tags, another model or another user: a different favourite.
    expect(repo.add(ALICE, fav(1, { tags: { red_hair: 1 } })).ok).toBe(true);
    expect(repo.add(ALICE, fav(1, { modelId: 'other' })).ok).toBe(true);
    expect(repo.add(BOB, fav(1)).ok).toBe(true);
  });

  it('GIVEN two connections adding the same girl THEN the second is told duplicate (checked inside the write transaction)', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'gff-dup-'));
    const a = openDatabase(path.join(dir, 'f.db'));
    const b = openDatabase(path.join(dir, 'f.db'));
    try {
      const ra = new FavouritesRepo(a);
      const rb = new FavouritesRepo(b);
      expect(ra.add(ALICE, fav(3)).ok).toBe(true);
      expect(rb.add(ALICE, fav(3))).toMatchObject({ ok: false, code: 'duplicate' });
      expect(ra.count(ALICE)).toBe(1);
    } finally {
      a.close();
      b.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
