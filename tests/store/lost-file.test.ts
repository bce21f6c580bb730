/**
 * The database file deleted or replaced while the bot runs (issue #10, item 18): SQLite
 * keeps writing to the unlinked inode, so writes would be confirmed and lost on restart.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db, StoreLogger } from '../../src/store/db.ts';
import { openDatabase } from '../../src/store/open.ts';
import { FavouritesRepo } from '../../src/store/favourites.ts';
import { tempDir, zOf } from './helpers.ts';

const fav = { modelId: 'm', z: zOf(0.5, -0.5), tags: { smile: 1 } };

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let lines: string[];
let file: string;

beforeEach(async () => {
  tmp = tempDir();
  file = join(tmp.dir, 'sub', 'gff.db');
  lines = [];
  const log: StoreLogger & { error(o: object, m: string): void } = {
    info: () => undefined,
    warn: (_o, m) => void lines.push(`warn ${m}`),
    error: (_o, m) => void lines.push(`error ${m}`),
  };
  rmSync(join(tmp.dir, 'sub'), { recursive: true, force: true });
  mkdirSync(join(tmp.dir, 'sub'));
  db = await openDatabase(file, { log });
});
afterEach(async () => {
  await db.close();
  tmp.cleanup();
});

describe('a database file that goes away while open', () => {
  it('GIVEN its folder is deleted THEN writes throw db_unavailable naming the file, once logged, and nothing is confirmed', async () => {
    const repo = new FavouritesRepo(db);
    expect((await repo.add('u1', fav)).ok).toBe(true);
    rmSync(join(tmp.dir, 'sub'), { recursive: true, force: true });
    const unavailable = expect.objectContaining({ code: 'db_unavailable', message: expect.stringContaining(file) });
    await expect(repo.add('u1', fav)).rejects.toThrow(unavailable);
    await expect(repo.add('u1', fav)).rejects.toThrow(unavailable);
    await expect(repo.list('u1')).rejects.toThrow(unavailable);
    const said = lines.filter((l) => l.includes(file));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^error .*deleted or replaced/);
  });

  it('GIVEN the file is replaced by another (a restored copy) THEN writes are refused too', async () => {
    const repo = new FavouritesRepo(db);
    expect((await repo.add('u1', fav)).ok).toBe(true);
    copyFileSync(file, `${file}.copy`);
    renameSync(`${file}.copy`, file);
    await expect(repo.add('u1', fav)).rejects.toThrow(expect.objectContaining({ code: 'db_unavailable' }));
  });

  it('GIVEN the file is still there THEN writes go on as before', async () => {
    const repo = new FavouritesRepo(db);
    for (let i = 0; i < 3; i++) expect((await repo.add('u1', { ...fav, z: zOf(i, 1) })).ok).toBe(true);
    expect(await repo.count('u1')).toBe(3);
    expect(lines).toEqual([]);
  });
});
