import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FavouritesRepo } from '../../src/store/favourites.ts';
import { openDatabase } from '../../src/store/open.ts';
import { spawnWorker } from '../../src/util/spawn-worker.ts';
import { engineFixture, enginesUnderTest } from './engines.ts';

/** `workers` threads, each with its own connection, all starting at one barrier; their codes, flattened. */
async function race(target: string, task: 'add' | 'take', userId: string, workers: number, tries: number): Promise<string[]> {
  const barrier = new SharedArrayBuffer(4);
  const threads = Array.from({ length: workers }, () =>
    spawnWorker(new URL('./fixtures/add-worker.ts', import.meta.url), { target, task, userId, tries, workers, barrier }),
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

describe.each(enginesUnderTest())('%s: limits under concurrency', (engine) => {
  const fx = engineFixture(engine);

  it('GIVEN 20 simultaneous adds from 4 connections THEN exactly 7 succeed, in slots 1–7', async () => {
    const target = fx.newTarget();
    await (await openDatabase(target)).close(); // migrate once up front; workers only race on adds
    const codes = await race(target, 'add', 'racer', 4, 5);
    expect(codes).toHaveLength(20);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(7);
    expect(codes.filter((c) => c === 'limit_reached')).toHaveLength(13);

    const db = await openDatabase(target);
    try {
      expect(await new FavouritesRepo(db).count('racer')).toBe(7);
      const slots = (await db.all<{ slot: number }>("SELECT slot FROM favourites WHERE user_id = 'racer' ORDER BY slot")).map((r) => r.slot);
      expect(slots).toEqual([1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('GIVEN 20 simultaneous rate-limited commands from 4 connections THEN exactly the limit (6) pass', async () => {
    const target = fx.newTarget();
    await (await openDatabase(target)).close();
    const codes = await race(target, 'take', 'spammer', 4, 5);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(6);
    expect(codes.filter((c) => c === 'limited')).toHaveLength(14);
  }, 60_000);
});
