/** A refine round is a stored picture of kind 'refine': the same row on SQLite and PostgreSQL, and a new process reads it back. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { GachaResultsRepo } from '../../src/store/gacha-results.ts';
import { openDatabase } from '../../src/store/open.ts';
import { engineFixture, enginesUnderTest } from './engines.ts';
import { zOf } from './helpers.ts';

describe.each(enginesUnderTest())('%s', (engine) => {
  const fx = engineFixture(engine);
  let target: string;
  let db: Db;
  beforeEach(async () => {
    target = fx.newTarget();
    db = await openDatabase(target);
  });
  afterEach(() => db.close());

  it('GIVEN a refine round saved THEN another connection (a restarted bot) reads its picker, round, noise seed and nine z’s', async () => {
    const draws = Array.from({ length: 9 }, (_, i) => ({ z: zOf(i * 0.25, -1, 2) }));
    const saved = await new GachaResultsRepo(db).save({
      userId: '42',
      modelId: 'lorelei128-v2',
      tags: { ponytail: 1 },
      draws,
      params: { kind: 'refine', round: 3, noiseSeed: 77 },
    });
    const again = await openDatabase(target);
    try {
      const got = await new GachaResultsRepo(again).get(saved.id);
      expect(got.ok && got.result).toMatchObject({ userId: '42', params: { kind: 'refine', round: 3, noiseSeed: 77 }, draws });
    } finally {
      await again.close();
    }
  });
});
