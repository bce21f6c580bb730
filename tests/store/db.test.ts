import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, openDatabase, type Db } from '../../src/store/db.ts';
import { loadMigrations } from '../../src/store/migrate.ts';
import { memoryLog, tempDir } from './helpers.ts';

const LATEST = loadMigrations(DEFAULT_MIGRATIONS_DIR).length;
const tables = (db: Db) =>
  db.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r.name);

let tmp: ReturnType<typeof tempDir>;
let opened: Db[] = [];
const open = (...args: Parameters<typeof openDatabase>) => {
  const db = openDatabase(...args);
  opened.push(db);
  return db;
};
beforeEach(() => {
  tmp = tempDir();
  opened = [];
});
afterEach(() => {
  for (const db of opened) db.close();
  tmp.cleanup();
});

describe('openDatabase', () => {
  it('GIVEN an empty in-memory database THEN every migration is applied with foreign keys on', () => {
    const log = memoryLog();
    const db = open(':memory:', { log });
    expect(LATEST).toBeGreaterThanOrEqual(1);
    expect(db.userVersion()).toBe(LATEST);
    expect(tables(db)).toEqual(expect.arrayContaining(['favourites', 'gacha_results', 'morph_state']));
    expect(db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')!.foreign_keys).toBe(1);
    expect(log.lines).toEqual(['info database migrated']);
  });

  it('GIVEN a file THEN WAL, and re-opening is idempotent and keeps the data', () => {
    const file = join(tmp.dir, 'bot.db');
    const a = open(file);
    expect(a.get<{ journal_mode: string }>('PRAGMA journal_mode')!.journal_mode).toBe('wal');
    a.run("INSERT INTO gacha_results (id, user_id, model_id, tags, draws, created_at, expires_at) VALUES ('abcdef', 'u', 'm', '{}', '[]', 1, 2)");
    a.close();
    const log = memoryLog();
    const b = open(file, { log });
    expect(b.userVersion()).toBe(LATEST);
    expect(b.get<{ n: number }>('SELECT count(*) AS n FROM gacha_results')!.n).toBe(1);
    expect(log.lines).toEqual([]); // nothing to migrate the second time
  });

  it('GIVEN a database newer than the code THEN db_too_new, and the file is left alone', () => {
    const file = join(tmp.dir, 'new.db');
    const a = open(file);
    a.exec('PRAGMA user_version = 99');
    a.close();
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'db_too_new', message: expect.stringContaining(file) }));
    // Refusing wrote nothing: a second open is refused the same way.
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'db_too_new', message: expect.stringContaining('99') }));
  });

  it('GIVEN a file that is not SQLite THEN db_unreadable naming the file', () => {
    const file = join(tmp.dir, 'junk.db');
    writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'db_unreadable', message: expect.stringContaining('junk.db') }));
  });

  it('GIVEN a path in a missing folder THEN db_unreadable', () => {
    const file = join(tmp.dir, 'no', 'such', 'dir.db');
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'db_unreadable', message: expect.stringContaining(file) }));
  });

  it('GIVEN a failing migration THEN none of the pending batch is applied', () => {
    const dir = join(tmp.dir, 'migrations');
    mkdirSync(dir);
    writeFileSync(join(dir, '0001__one.sql'), 'CREATE TABLE one (x INTEGER);');
    writeFileSync(join(dir, '0002__two.sql'), 'CREATE TABLE two (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const file = join(tmp.dir, 'm.db');
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow(
      expect.objectContaining({ code: 'migration_failed', message: expect.stringContaining('0002__two.sql') }),
    );
    // Open with only 0001 known: if the failed batch had kept 0001, there would be nothing to do.
    const onlyOne = join(tmp.dir, 'only-one');
    mkdirSync(onlyOne);
    copyFileSync(join(dir, '0001__one.sql'), join(onlyOne, '0001__one.sql'));
    const log = memoryLog();
    const db = open(file, { migrationsDir: onlyOne, log });
    expect(log.lines).toEqual(['info database migrated']);
    expect(tables(db)).toEqual(['one']);
  });

  it('GIVEN an older database THEN only the newer migrations run', () => {
    const dir = join(tmp.dir, 'migrations');
    mkdirSync(dir);
    writeFileSync(join(dir, '0001__one.sql'), 'CREATE TABLE one (x INTEGER);');
    const file = join(tmp.dir, 'old.db');
    const a = open(file, { migrationsDir: dir });
    a.run('INSERT INTO one VALUES (7)');
    a.close();
    writeFileSync(join(dir, '0002__two.sql'), 'ALTER TABLE one ADD COLUMN y TEXT;');
    const b = open(file, { migrationsDir: dir });
    expect(b.userVersion()).toBe(2);
    expect(b.all('SELECT x, y FROM one')).toEqual([{ x: 7, y: null }]);
  });

  it('GIVEN malformed migration folders THEN bad_migrations', () => {
    const gap = join(tmp.dir, 'gap');
    mkdirSync(gap);
    copyFileSync(join(DEFAULT_MIGRATIONS_DIR, '0001__initial.sql'), join(gap, '0001__initial.sql'));
    writeFileSync(join(gap, '0003__three.sql'), 'SELECT 1;');
    expect(() => openDatabase(':memory:', { migrationsDir: gap })).toThrow(expect.objectContaining({ code: 'bad_migrations' }));
    const badName = join(tmp.dir, 'bad');
    mkdirSync(badName);
    writeFileSync(join(badName, '1-init.sql'), 'SELECT 1;');
    expect(() => openDatabase(':memory:', { migrationsDir: badName })).toThrow(expect.objectContaining({ code: 'bad_migrations' }));
  });

  it('GIVEN a transaction that throws THEN nothing it wrote remains', () => {
    const db = open(':memory:');
    const insert = (id: string) =>
      db.run("INSERT INTO gacha_results (id, user_id, model_id, tags, draws, created_at, expires_at) VALUES (?, 'u', 'm', '{}', '[]', 1, 2)", id);
    expect(() =>
      db.transaction(() => {
        insert('aaaaaa');
        insert('bbbbbb');
        throw new Error('boom');
      }, 'immediate'),
    ).toThrow('boom');
    expect(db.get<{ n: number }>('SELECT count(*) AS n FROM gacha_results')!.n).toBe(0);
  });
});
