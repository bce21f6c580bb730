import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { FavouritesRepo } from '../../src/store/favourites.ts';
import { spawnWorker } from '../../src/util/spawn-worker.ts';
import { tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('favourites limit under concurrency', () => {
  it('GIVEN 20 simultaneous adds from 4 connections on one file THEN exactly 7 succeed', async () => {
    const file = join(tmp.dir, 'race.db');
    openDatabase(file).close(); // migrate once up front; workers only race on adds
    const workers = 4;
    const barrier = new SharedArrayBuffer(4);
    const threads = Array.from({ length: workers }, () =>
      spawnWorker(new URL('./fixtures/add-worker.ts', import.meta.url), { file, userId: 'racer', adds: 5, workers, barrier }),
    );
    const results = await Promise.all(
      threads.map(async (w) => {
        const [codes] = (await Promise.race([once(w, 'message'), once(w, 'error').then(([e]) => Promise.reject(e))])) as [string[]];
        await w.terminate();
        return codes;
      }),
    );
    const codes = results.flat();
    expect(codes).toHaveLength(20);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(7);
    expect(codes.filter((c) => c === 'limit_reached')).toHaveLength(13);

    const db = openDatabase(file);
    try {
      expect(new FavouritesRepo(db).count('racer')).toBe(7);
      const slots = db.all<{ slot: number }>("SELECT slot FROM favourites WHERE user_id = 'racer' ORDER BY slot").map((r) => r.slot);
      expect(slots).toEqual([1, 2, 3, 4, 5, 6, 7]);
    } finally {
      db.close();
    }
  });
});
