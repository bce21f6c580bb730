import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { loadMigrations } from '../../src/store/migrate.ts';
import { migrationsDirOf, openDatabase } from '../../src/store/open.ts';
import { memoryLog, tempDir } from './helpers.ts';

const DEFAULT_MIGRATIONS_DIR = migrationsDirOf('sqlite');
const LATEST = loadMigrations(DEFAULT_MIGRATIONS_DIR).length;
const tables = async (db: Db) =>
  (await db.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).map((r) => r.name);

let tmp: ReturnType<typeof tempDir>;
let opened: Db[] = [];
const open = async (...args: Parameters<typeof openDatabase>) => {
  const db = await openDatabase(...args);
  opened.push(db);
  return db;
};
beforeEach(() => {
  tmp = tempDir();
  opened = [];
});
afterEach(async () => {
  for (const db of opened) await db.close();
  tmp.cleanup();
});

describe('openDatabase', () => {
  it('GIVEN an empty in-memory database THEN every migration is applied with foreign keys on', async () => {
    const log = memoryLog();
    const db = await open(':memory:', { log });
    expect(LATEST).toBeGreaterThanOrEqual(1);
    expect(await db.schemaVersion()).toBe(LATEST);
    expect(await tables(db)).toEqual(expect.arrayContaining(['favourites', 'gacha_results', 'morph_state']));
    expect((await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))!.foreign_keys).toBe(1);
    expect(log.lines).toEqual(['info database migrated']);
  });

  it('GIVEN a file THEN WAL, and re-opening is idempotent and keeps the data', async () => {
    const file = join(tmp.dir, 'bot.db');
    const a = await open(file);
    expect((await a.get<{ journal_mode: string }>('PRAGMA journal_mode'))!.journal_mode).toBe('wal');
    await a.run("INSERT INTO gacha_results (id, user_id, model_id, tags, draws, created_at, expires_at) VALUES ('abcdef', 'u', 'm', '{}', '[]', 1, 2)");
    await a.close();
    const log = memoryLog();
    const b = await open(file, { log });
    expect(await b.schemaVersion()).toBe(LATEST);
    expect((await b.get<{ n: number }>('SELECT count(*) AS n FROM gacha_results'))!.n).toBe(1);
    expect(log.lines).toEqual([]); // nothing to migrate the second time
  });

  it('GIVEN a database newer than the code THEN db_too_new, and the file is left alone', async () => {
    const file = join(tmp.dir, 'new.db');
    const a = await open(file);
    await a.run('PRAGMA user_version = 99');
    await a.close();
    await expect(openDatabase(file)).rejects.toThrow(expect.objectContaining({ code: 'db_too_new', message: expect.stringContaining(file) }));
    // Refusing wrote nothing: a second open is refused the same way.
    await expect(openDatabase(file)).rejects.toThrow(expect.objectContaining({ code: 'db_too_new', message: expect.stringContaining('99') }));
  });

  it('GIVEN a file that is not SQLite THEN db_unreadable naming the file', async () => {
    const file = join(tmp.dir, 'junk.db');
    writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    await expect(openDatabase(file)).rejects.toThrow(expect.objectContaining({ code: 'db_unreadable', message: expect.stringContaining('junk.db') }));
  });

  it('GIVEN a path in a missing folder THEN db_unreadable', async () => {
    const file = join(tmp.dir, 'no', 'such', 'dir.db');
    await expect(openDatabase(file)).rejects.toThrow(expect.objectContaining({ code: 'db_unreadable', message: expect.stringContaining(file) }));
  });

  it('GIVEN a failing migration THEN none of the pending batch is applied', async () => {
    const dir = join(tmp.dir, 'migrations');
    mkdirSync(dir);
    writeFileSync(join(dir, '0001__one.sql'), 'CREATE TABLE one (x INTEGER);');
    writeFileSync(join(dir, '0002__two.sql'), 'CREATE TABLE two (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const file = join(tmp.dir, 'm.db');
    await expect(openDatabase(file, { migrationsDir: dir })).rejects.toThrow(
      expect.objectContaining({ code: 'migration_failed', message: expect.stringContaining('0002__two.sql') }),
    );
    // Open with only 0001 known: if the failed batch had kept 0001, there would be nothing to do.
    const onlyOne = join(tmp.dir, 'only-one');
    mkdirSync(onlyOne);
    copyFileSync(join(dir, '0001__one.sql'), join(onlyOne, '0001__one.sql'));
    const log = memoryLog();
    const db = await open(file, { migrationsDir: onlyOne, log });
    expect(log.lines).toEqual(['info database migrated']);
    expect(await tables(db)).toEqual(['one']);
  });

  it('GIVEN an older database THEN only the newer migrations run', async () => {
    const dir = join(tmp.dir, 'migrations');
    mkdirSync(dir);
    writeFileSync(join(dir, '0001__one.sql'), 'CREATE TABLE one (x INTEGER);');
    const file = join(tmp.dir, 'old.db');
    const a = await open(file, { migrationsDir: dir });
    await a.run('INSERT INTO one VALUES (7)');
    await a.close();
    writeFileSync(join(dir, '0002__two.sql'), 'ALTER TABLE one ADD COLUMN y TEXT;');
    const b = await open(file, { migrationsDir: dir });
    expect(await b.schemaVersion()).toBe(2);
    expect(await b.all('SELECT x, y FROM one')).toEqual([{ x: 7, y: null }]);
  });

  it('GIVEN malformed migration folders THEN bad_migrations', async () => {
    const gap = join(tmp.dir, 'gap');
    mkdirSync(gap);
    copyFileSync(join(DEFAULT_MIGRATIONS_DIR, '0001__initial.sql'), join(gap, '0001__initial.sql'));
    writeFileSync(join(gap, '0003__three.sql'), 'SELECT 1;');
    await expect(openDatabase(':memory:', { migrationsDir: gap })).rejects.toThrow(expect.objectContaining({ code: 'bad_migrations' }));
    const badName = join(tmp.dir, 'bad');
    mkdirSync(badName);
    writeFileSync(join(badName, '1-init.sql'), 'SELECT 1;');
    await expect(openDatabase(':memory:', { migrationsDir: badName })).rejects.toThrow(expect.objectContaining({ code: 'bad_migrations' }));
  });

  it('GIVEN a transaction that throws THEN nothing it wrote remains', async () => {
    const db = await open(':memory:');
    await expect(
      db.transaction(async (tx) => {
        const insert = (id: string) =>
          tx.run("INSERT INTO gacha_results (id, user_id, model_id, tags, draws, created_at, expires_at) VALUES (?, 'u', 'm', '{}', '[]', 1, 2)", id);
        await insert('aaaaaa');
        await insert('bbbbbb');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM gacha_results'))!.n).toBe(0);
  });

  it('GIVEN statements outside a transaction while one is open THEN they wait for it and are not part of it', async () => {
    const db = await open(':memory:');
    const insert = "INSERT INTO gacha_results (id, user_id, model_id, tags, draws, created_at, expires_at) VALUES (?, 'u', 'm', '{}', '[]', 1, 2)";
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = db.transaction(async (t) => {
      await t.run(insert, 'intx01');
      await gate;
      throw new Error('rolled back');
    });
    const outside = db.run(insert, 'outside');
    release();
    await expect(tx).rejects.toThrow('rolled back');
    await outside;
    expect(await db.all('SELECT id FROM gacha_results')).toEqual([{ id: 'outside' }]);
  });
});

describe('the two engines’ migrations', () => {
  it('GIVEN db/migrations/sqlite and db/migrations/postgres THEN they hold the same history: the same numbered names', () => {
    const names = (engine: 'sqlite' | 'postgres') => loadMigrations(migrationsDirOf(engine)).map((m) => m.file);
    expect(names('postgres')).toEqual(names('sqlite'));
  });
});
