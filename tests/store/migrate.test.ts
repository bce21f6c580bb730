/**
 * Migration files that manage transactions or rebuild tables (issue #10, item 16).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { openDatabase } from '../../src/store/open.ts';
import { tempDir } from './helpers.ts';

const tables = async (db: Db) =>
  (await db.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).map((r) => r.name);

const PARENT_CHILD = `
CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE child (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE
);`;

/** The rebuild pattern from sqlite.org/lang_altertable.html, as people write it. */
const REBUILD_PARENT = (filter = '') => `
PRAGMA foreign_keys = OFF;
CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) <= 32));
INSERT INTO parent_new (id, name) SELECT id, name FROM parent ${filter};
DROP TABLE parent;
ALTER TABLE parent_new RENAME TO parent;
PRAGMA foreign_keys = ON;`;

let tmp: ReturnType<typeof tempDir>;
let dir: string;
let file: string;
let opened: Db[] = [];
const open = async (migrationsDir = dir) => {
  const db = await openDatabase(file, { migrationsDir });
  opened.push(db);
  return db;
};
const migration = (name: string, sql: string) => writeFileSync(join(dir, name), sql);

beforeEach(() => {
  tmp = tempDir();
  dir = join(tmp.dir, 'migrations');
  mkdirSync(dir);
  file = join(tmp.dir, 'm.db');
  opened = [];
});
afterEach(async () => {
  for (const db of opened) await db.close();
  tmp.cleanup();
});

/** A database at version 1 with two parents and three children. */
async function seeded(): Promise<void> {
  migration('0001__one.sql', PARENT_CHILD);
  const db = await open();
  await db.run("INSERT INTO parent VALUES (1, 'a'), (2, 'b')");
  await db.run('INSERT INTO child VALUES (10, 1), (11, 1), (12, 2)');
  await db.close();
}

describe('migrations and transactions', () => {
  it.each(['COMMIT', 'commit transaction', 'END', 'BEGIN', 'BEGIN IMMEDIATE', 'ROLLBACK', 'SAVEPOINT s', 'RELEASE s'])(
    'GIVEN a migration containing "%s" THEN bad_migrations naming it, and nothing of it is applied',
    async (stmt) => {
      migration('0001__one.sql', 'CREATE TABLE one (x INTEGER);');
      migration('0002__two.sql', `CREATE TABLE two (x INTEGER);\n${stmt};\nINSERT INTO nowhere VALUES (1);`);
      await expect(open()).rejects.toThrow(
        expect.objectContaining({ code: 'bad_migrations', message: expect.stringMatching(new RegExp(`0002__two\\.sql.*${stmt.split(' ')[0]}`, 'i')) }),
      );
      // Open with only 0001 known: the file must hold no table of 0002.
      expect(await tables(await open(makeDir('only-one', ['0001__one.sql', 'CREATE TABLE one (x INTEGER);'])))).toEqual(['one']);
    },
  );

  it('GIVEN BEGIN/END inside a trigger, a CASE … END, a comment or a string THEN it is not mistaken for a transaction statement', async () => {
    migration(
      '0001__one.sql',
      `-- COMMIT is only a word here
CREATE TABLE one (x INTEGER, note TEXT DEFAULT 'BEGIN; COMMIT;');
/* ROLLBACK; */
CREATE TRIGGER one_check AFTER INSERT ON one BEGIN
  UPDATE one SET note = CASE WHEN NEW.x > 0 THEN 'pos' ELSE 'neg' END WHERE rowid = NEW.rowid;
END;
CREATE TABLE "end" (x INTEGER);`,
    );
    const db = await open();
    await db.run('INSERT INTO one (x) VALUES (3)');
    expect(await db.get('SELECT note FROM one')).toEqual({ note: 'pos' });
    expect(await tables(db)).toEqual(['end', 'one']);
  });
});

function makeDir(name: string, ...files: [string, string][]): string {
  const d = join(tmp.dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, sql] of files) writeFileSync(join(d, f), sql);
  return d;
}

describe('table-rebuild migrations and foreign keys', () => {
  it('GIVEN the standard rebuild of a parent table THEN its children are kept and foreign keys are on afterwards', async () => {
    await seeded();
    migration('0002__rebuild_parent.sql', REBUILD_PARENT());
    const db = await open();
    expect(await db.schemaVersion()).toBe(2);
    expect(await db.all('SELECT id, parent_id FROM child ORDER BY id')).toEqual([
      { id: 10, parent_id: 1 },
      { id: 11, parent_id: 1 },
      { id: 12, parent_id: 2 },
    ]);
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    await db.run('DELETE FROM parent WHERE id = 2'); // cascades again
    expect(await db.all('SELECT id FROM child ORDER BY id')).toEqual([{ id: 10 }, { id: 11 }]);
  });

  it('GIVEN a rebuild that leaves children without their parent THEN migration_failed naming foreign_key_check, and nothing changed', async () => {
    await seeded();
    migration('0002__rebuild_parent.sql', REBUILD_PARENT('WHERE id = 1'));
    await expect(open()).rejects.toThrow(
      expect.objectContaining({ code: 'migration_failed', message: expect.stringMatching(/0002__rebuild_parent\.sql.*foreign key.*child/i) }),
    );
    const db = await open(makeDir('only-one', ['0001__one.sql', PARENT_CHILD]));
    expect(await db.schemaVersion()).toBe(1);
    expect(await db.all('SELECT id FROM parent ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.all('SELECT id FROM child ORDER BY id')).toEqual([{ id: 10 }, { id: 11 }, { id: 12 }]);
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
  });
});
