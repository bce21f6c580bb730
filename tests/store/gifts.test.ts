/**
 * Gift offers on each engine: offer → accept/decline, the giver's limits, the receiver's
 * seven-limit inside the accept's transaction, blocks after declines, expiry, and races
 * between connections (two handles on one database play two shards or hosts).
 */
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { FavouritesRepo, type NewFavourite } from '../../src/store/favourites.ts';
import { GiftsRepo } from '../../src/store/gifts.ts';
import { openDatabase } from '../../src/store/open.ts';
import { engineFixture, enginesUnderTest } from './engines.ts';
import { manualClock, zOf } from './helpers.ts';
import { spawnWorker } from '../../src/util/spawn-worker.ts';

const GIVER = '111111111111111111';
const RECEIVER = '222222222222222222';
const OTHER = '333333333333333333';
const DAY = 86_400_000;
const girl = (k: number, name: string | null = null): NewFavourite => ({
  modelId: 'tiny',
  z: zOf(k, -k / 2, 0.25),
  tags: { blonde_hair: 1, smile: k / 10 },
  name,
});

/** `workers` threads, each with its own connection, accepting the offers at one barrier; their codes, flattened. */
async function race(target: string, userId: string, offerIds: number[], workers: number, tries: number, now: number): Promise<string[]> {
  const barrier = new SharedArrayBuffer(4);
  const threads = Array.from({ length: workers }, () =>
    spawnWorker(new URL('./fixtures/add-worker.ts', import.meta.url), { target, task: 'accept', userId, offerIds, tries, workers, barrier, now }),
  );
  const results = await Promise.all(
    threads.map(async (w) => {
      const [codes] = (await Promise.race([once(w, 'message'), once(w, 'error').then(([e]) => Promise.reject(e))])) as [string[]];
      await w.terminate();
      return codes;
    }),
  );
  return results.flat();
}

describe.each(enginesUnderTest())('%s: gifts', (engine) => {
  const fx = engineFixture(engine);
  let target: string;
  let db: Db;
  let clock: ReturnType<typeof manualClock>;
  let favourites: FavouritesRepo;
  let gifts: GiftsRepo;
  beforeEach(async () => {
    target = fx.newTarget();
    db = await openDatabase(target);
    clock = manualClock();
    favourites = new FavouritesRepo(db, { now: clock.now });
    gifts = new GiftsRepo(db, { favouritesLimit: favourites.limit, now: clock.now });
  });
  afterEach(async () => {
    await db.close();
  });

  /** The giver's favourite #1 after adding `k`'s girl. */
  const keep = async (user: string, k: number, name: string | null = null) => {
    const added = await favourites.add(user, girl(k, name));
    if (!added.ok) throw new Error(added.message);
    clock.advance(1000);
    return added.favourite;
  };

  it('GIVEN an offer WHEN the receiver accepts THEN she is a copy in their list with her name, the giver keeps theirs, and a second accept is refused', async () => {
    const mine = await keep(GIVER, 1, 'Rin');
    const offered = await gifts.offer(GIVER, mine.id, RECEIVER);
    expect(offered).toMatchObject({ ok: true, offer: { giverId: GIVER, receiverId: RECEIVER, name: 'Rin', status: 'pending', modelId: 'tiny' } });
    if (!offered.ok) return;
    expect(offered.offer.expiresAt - offered.offer.createdAt).toBe(DAY);
    const accepted = await gifts.accept(RECEIVER, offered.offer.id);
    expect(accepted).toMatchObject({ ok: true, offer: { status: 'accepted' }, favourite: { userId: RECEIVER, index: 1, name: 'Rin' } });
    if (!accepted.ok) return;
    expect(Array.from(accepted.favourite.z)).toEqual(Array.from(mine.z));
    expect(accepted.favourite.tags).toEqual(mine.tags);
    expect(await favourites.count(GIVER)).toBe(1);
    expect(await gifts.accept(RECEIVER, offered.offer.id)).toMatchObject({ ok: false, code: 'settled', offer: { status: 'accepted' } });
    expect(await gifts.decline(RECEIVER, offered.offer.id)).toMatchObject({ ok: false, code: 'settled' });
    expect(await favourites.count(RECEIVER)).toBe(1);
  });

  it('GIVEN an offer WHEN someone else answers THEN it is refused as not theirs and the offer stays open', async () => {
    const offered = await gifts.offer(GIVER, (await keep(GIVER, 1)).id, RECEIVER);
    if (!offered.ok) throw new Error(offered.code);
    expect(await gifts.accept(OTHER, offered.offer.id)).toMatchObject({ ok: false, code: 'not_yours', offer: { receiverId: RECEIVER } });
    expect(await gifts.decline(GIVER, offered.offer.id)).toMatchObject({ ok: false, code: 'not_yours' });
    expect(await favourites.count(OTHER)).toBe(0);
    expect((await gifts.get(offered.offer.id))?.status).toBe('pending');
    expect(await gifts.accept(RECEIVER, 999_999)).toEqual({ ok: false, code: 'not_found' });
  });

  it('GIVEN bad offers THEN giving to yourself, or a favourite the giver does not have, is refused', async () => {
    const mine = await keep(GIVER, 1);
    expect(await gifts.offer(GIVER, mine.id, GIVER)).toEqual({ ok: false, code: 'self' });
    expect(await gifts.offer(OTHER, mine.id, RECEIVER)).toEqual({ ok: false, code: 'no_favourite' });
    expect(await gifts.offer(GIVER, mine.id + 1000, RECEIVER)).toEqual({ ok: false, code: 'no_favourite' });
  });

  it('GIVEN the giver removes her after offering THEN the receiver still gets the copy that was offered', async () => {
    const offered = await gifts.offer(GIVER, (await keep(GIVER, 1, 'Mio')).id, RECEIVER);
    if (!offered.ok) throw new Error(offered.code);
    await favourites.remove(GIVER, 1);
    expect(await gifts.accept(RECEIVER, offered.offer.id)).toMatchObject({ ok: true, favourite: { name: 'Mio' } });
  });

  it('GIVEN 3 open offers THEN a 4th is refused until one is answered; a second offer to one receiver is refused while one waits', async () => {
    const ids = [];
    for (let k = 1; k <= 4; k++) ids.push((await keep(GIVER, k)).id);
    const receivers = [RECEIVER, OTHER, '444444444444444444'];
    for (const [i, r] of receivers.entries()) expect((await gifts.offer(GIVER, ids[i]!, r)).ok).toBe(true);
    expect(await gifts.offer(GIVER, ids[3]!, '555555555555555555')).toEqual({ ok: false, code: 'too_many_pending', limit: 3 });
    expect(await gifts.offer(GIVER, ids[3]!, RECEIVER)).toMatchObject({ ok: false, code: 'already_offered', offer: { receiverId: RECEIVER } });
    const open = await gifts.pendingFrom(GIVER);
    expect(open.map((o) => o.receiverId)).toEqual(receivers);
    expect((await gifts.accept(RECEIVER, open[0]!.id)).ok).toBe(true);
    expect((await gifts.offer(GIVER, ids[3]!, RECEIVER)).ok).toBe(true);
  });

  it('GIVEN 10 offers in a day THEN the 11th is refused with the time until the oldest leaves the window', async () => {
    const mine = await keep(GIVER, 1);
    const receivers = Array.from({ length: 11 }, (_, i) => `4${String(i).padStart(17, '0')}`);
    for (const r of receivers.slice(0, 10)) {
      const offered = await gifts.offer(GIVER, mine.id, r);
      if (!offered.ok) throw new Error(offered.code);
      await gifts.decline(r, offered.offer.id); // answered: only the rate counts them now
      clock.advance(60_000);
    }
    const refused = await gifts.offer(GIVER, mine.id, receivers[10]!);
    expect(refused).toMatchObject({ ok: false, code: 'too_many_recent', limit: 10 });
    if (refused.ok || refused.code !== 'too_many_recent') return;
    expect(refused.retryAfterMs).toBe(DAY - 10 * 60_000);
    clock.advance(refused.retryAfterMs);
    expect((await gifts.offer(GIVER, mine.id, receivers[10]!)).ok).toBe(true);
  });

  it('GIVEN a receiver declines a giver 3 times THEN the giver cannot offer them more, while others still can', async () => {
    const ids = [(await keep(GIVER, 1)).id, (await keep(GIVER, 2)).id, (await keep(GIVER, 3)).id];
    for (const [n, id] of ids.entries()) {
      const offered = await gifts.offer(GIVER, id, RECEIVER);
      if (!offered.ok) throw new Error(offered.code);
      expect(await gifts.decline(RECEIVER, offered.offer.id)).toMatchObject({ ok: true, declines: n + 1, offer: { status: 'declined' } });
    }
    expect(await gifts.declines(RECEIVER, GIVER)).toBe(3);
    expect(await gifts.offer(GIVER, ids[0]!, RECEIVER)).toEqual({ ok: false, code: 'blocked' });
    expect((await gifts.offer(GIVER, ids[0]!, OTHER)).ok).toBe(true);
    expect((await gifts.offer(OTHER, (await keep(OTHER, 9)).id, RECEIVER)).ok).toBe(true);
    expect(await favourites.count(RECEIVER)).toBe(0);
  });

  it('GIVEN a day passes unanswered THEN the offer has expired: answers are refused, it no longer counts as open, and the purge deletes it a week later', async () => {
    const offered = await gifts.offer(GIVER, (await keep(GIVER, 1)).id, RECEIVER);
    if (!offered.ok) throw new Error(offered.code);
    clock.advance(DAY);
    expect(await gifts.accept(RECEIVER, offered.offer.id)).toMatchObject({ ok: false, code: 'settled', offer: { status: 'expired' } });
    expect(await gifts.decline(RECEIVER, offered.offer.id)).toMatchObject({ ok: false, code: 'settled', offer: { status: 'expired' } });
    expect(await gifts.declines(RECEIVER, GIVER)).toBe(0); // ignoring is not declining
    expect(await gifts.pendingFrom(GIVER)).toEqual([]);
    expect(await favourites.count(RECEIVER)).toBe(0);
    expect(await gifts.purgeExpired()).toBe(0);
    clock.advance(7 * DAY);
    expect(await gifts.purgeExpired()).toBe(1);
    expect(await gifts.get(offered.offer.id)).toBeNull();
  });

  it('GIVEN the receiver has 7 THEN accepting says the list is full and leaves the offer open; after removing one it goes through', async () => {
    for (let k = 1; k <= 7; k++) await keep(RECEIVER, 10 + k);
    const offered = await gifts.offer(GIVER, (await keep(GIVER, 1)).id, RECEIVER);
    if (!offered.ok) throw new Error(offered.code);
    expect(await gifts.accept(RECEIVER, offered.offer.id)).toMatchObject({ ok: false, code: 'limit_reached', limit: 7 });
    expect((await gifts.get(offered.offer.id))?.status).toBe('pending');
    await favourites.remove(RECEIVER, 3);
    expect(await gifts.accept(RECEIVER, offered.offer.id)).toMatchObject({ ok: true, favourite: { index: 1 } });
    expect(await favourites.count(RECEIVER)).toBe(7);
  });

  it('GIVEN the receiver already has her THEN accepting settles the offer without a second copy', async () => {
    await keep(RECEIVER, 1);
    const offered = await gifts.offer(GIVER, (await keep(GIVER, 1)).id, RECEIVER);
    if (!offered.ok) throw new Error(offered.code);
    expect(await gifts.accept(RECEIVER, offered.offer.id)).toMatchObject({
      ok: false,
      code: 'duplicate',
      favourite: { index: 1 },
      offer: { status: 'accepted' },
    });
    expect(await favourites.count(RECEIVER)).toBe(1);
  });

  it('GIVEN the database is closed and opened again between offer and accept THEN the offer is still there and accepting works', async () => {
    const offered = await gifts.offer(GIVER, (await keep(GIVER, 1, 'Aoi')).id, RECEIVER);
    if (!offered.ok) throw new Error(offered.code);
    await db.close();
    db = await openDatabase(target);
    gifts = new GiftsRepo(db, { favouritesLimit: 7, now: clock.now });
    expect(await gifts.accept(RECEIVER, offered.offer.id)).toMatchObject({ ok: true, favourite: { name: 'Aoi' } });
  });

  it('GIVEN 12 accepts of one offer at once from 4 connections THEN exactly one takes and one favourite is added', async () => {
    const offered = await gifts.offer(GIVER, (await keep(GIVER, 1)).id, RECEIVER);
    if (!offered.ok) throw new Error(offered.code);
    const codes = await race(target, RECEIVER, [offered.offer.id], 4, 3, clock.now());
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'settled')).toHaveLength(11);
    expect(await favourites.count(RECEIVER)).toBe(1);
  }, 60_000);

  it('GIVEN a receiver with 6 accepts two different offers at once from 4 connections THEN one is added and the list stops at 7', async () => {
    for (let k = 1; k <= 6; k++) await keep(RECEIVER, 10 + k);
    const a = await gifts.offer(GIVER, (await keep(GIVER, 1)).id, RECEIVER);
    const b = await gifts.offer(OTHER, (await keep(OTHER, 2)).id, RECEIVER);
    if (!a.ok || !b.ok) throw new Error('offers refused');
    const codes = await race(target, RECEIVER, [a.offer.id, b.offer.id], 4, 2, clock.now());
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    // The other offer stays open (full list); the winner's is settled.
    expect(codes.filter((c) => c === 'limit_reached' || c === 'settled')).toHaveLength(7);
    expect(codes).toContain('limit_reached');
    expect(await favourites.count(RECEIVER)).toBe(7);
    expect([(await gifts.get(a.offer.id))!.status, (await gifts.get(b.offer.id))!.status].sort()).toEqual(['accepted', 'pending']);
  }, 60_000);

  it('GIVEN limits out of range THEN the repository refuses to start', () => {
    expect(() => new GiftsRepo(db, { favouritesLimit: 7, maxPending: 0 })).toThrow(/maxPending/);
  });
});
