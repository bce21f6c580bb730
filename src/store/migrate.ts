/**
 * Schema migrations: db/migrations/NNNN__name.sql, applied in number order. The schema
 * version is PRAGMA user_version (= the number of the last file applied). All pending
 * files run in one IMMEDIATE transaction, so an upgrade either completes or leaves the
 * database exactly as it was; a database newer than the code is refused.
 * Migration files must not contain BEGIN/COMMIT/ROLLBACK/END/SAVEPOINT/RELEASE: they are
 * refused before anything runs (db/migrations/README.md). Foreign keys are turned off
 * around the transaction, so a table rebuild (create new, copy, drop, rename) does not
 * cascade into child tables; PRAGMA foreign_key_check after each file fails the whole
 * upgrade when a migration left a row without its parent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { StoreError } from './errors.ts';
import { findTransactionStatement } from './sql-scan.ts';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
}

const NAME = /^(\d{4})__([a-z0-9_]+)\.sql$/;

/** Reads and checks the folder: versions must run 1, 2, 3 … with no gaps or repeats. */
export function loadMigrations(dir: string): Migration[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new StoreError('bad_migrations', `Cannot read the migrations folder "${dir}"`, { cause: err });
  }
  const migrations: Migration[] = [];
  for (const file of names) {
    if (!file.endsWith('.sql')) continue; // README and the like
    const m = NAME.exec(file);
    if (!m) throw new StoreError('bad_migrations', `Migration "${file}" is not named NNNN__lower_snake.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    const tx = findTransactionStatement(sql);
    if (tx) {
      throw new StoreError(
        'bad_migrations',
        `Migration "${file}" contains a ${tx} statement; migrations must not manage transactions (the runner applies each upgrade in one transaction, see db/migrations/README.md)`,
      );
    }
    migrations.push({ version: Number(m[1]), name: m[2]!, file, sql });
  }
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError('bad_migrations', `Migrations must be numbered 0001, 0002, … without gaps; found "${m.file}" at position ${i + 1}`);
    }
  });
  return migrations;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

export function migrate(db: Db, migrations: readonly Migration[]): MigrateResult {
  const latest = migrations.length;
  const refuseIfNewer = (v: number): void => {
    if (v > latest) {
      throw new StoreError(
        'db_too_new',
        `The database "${db.file}" has schema version ${v}, but this version of the bot only knows up to ${latest}. ` +
          'Run a newer version of the bot, or restore a backup made by this one.',
      );
    }
  };
  const current = db.userVersion();
  refuseIfNewer(current);
  // Up to date (every open but the first): no write lock needed.
  if (current === latest) return { from: current, to: current, applied: [] };
  // Off outside the transaction (inside one SQLite ignores it), back on whatever happens.
  const foreignKeys = db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')?.foreign_keys === 1;
  if (foreignKeys) db.exec('PRAGMA foreign_keys = OFF');
  try {
    return applyPending(db, migrations, refuseIfNewer);
  } finally {
    if (foreignKeys) db.exec('PRAGMA foreign_keys = ON');
  }
}

function applyPending(db: Db, migrations: readonly Migration[], refuseIfNewer: (v: number) => void): MigrateResult {
  const latest = migrations.length;
  return db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const from = db.userVersion();
    refuseIfNewer(from);
    const applied: string[] = [];
    for (const m of migrations.slice(from)) {
      try {
        db.exec(m.sql);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new StoreError('migration_failed', `Migration ${m.file} failed on "${db.file}": ${why}. Nothing was changed.`, { cause: err });
      }
      const orphans = db.all<{ table: string; rowid: number | null; parent: string }>('PRAGMA foreign_key_check');
      if (orphans.length > 0) {
        const o = orphans[0]!;
        throw new StoreError(
          'migration_failed',
          `Migration ${m.file} failed on "${db.file}": it left ${orphans.length} row(s) whose foreign key points at no row ` +
            `(first: table ${o.table}, rowid ${o.rowid ?? '?'}, parent ${o.parent}; PRAGMA foreign_key_check). Nothing was changed.`,
        );
      }
      db.exec(`PRAGMA user_version = ${m.version}`);
      applied.push(m.file);
    }
    return { from, to: Math.max(from, latest), applied };
  }, 'immediate');
}
