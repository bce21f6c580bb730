/**
 * Schema migrations: db/migrations/<engine>/NNNN__name.sql, applied in number order; the two
 * engines' folders hold the same history, each in its own dialect. The schema version (SQLite:
 * PRAGMA user_version; PostgreSQL: table schema_version) is the number of the last file
 * applied. All pending files run in one transaction, so an upgrade either completes or leaves
 * the database exactly as it was; a database newer than the code is refused.
 * Migration files must not contain BEGIN/COMMIT/ROLLBACK/END/SAVEPOINT/RELEASE: they are
 * refused before anything runs (db/migrations/README.md). Foreign keys are turned off
 * around the transaction (SQLite), so a table rebuild (create new, copy, drop, rename) does
 * not cascade into child tables; PRAGMA foreign_key_check after each file fails the whole
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

/** Brings the schema up to date; nothing changes when any step fails (see the file's comment). */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<MigrateResult> {
  const latest = migrations.length;
  const refuseIfNewer = (v: number): void => {
    if (v > latest) {
      throw new StoreError(
        'db_too_new',
        `The database "${db.where}" has schema version ${v}, but this version of the bot only knows up to ${latest}. ` +
          'Run a newer version of the bot, or restore a backup made by this one.',
      );
    }
  };
  const current = await db.schemaVersion();
  refuseIfNewer(current);
  // Up to date (every open but the first): no write lock needed.
  if (current === latest) return { from: current, to: current, applied: [] };
  return db.upgrade(async (tx) => {
    // Read again under the lock: another process may have migrated meanwhile.
    const from = await tx.schemaVersion();
    refuseIfNewer(from);
    const applied: string[] = [];
    for (const m of migrations.slice(from)) {
      try {
        await tx.exec(m.sql);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new StoreError('migration_failed', `Migration ${m.file} failed on "${db.where}": ${why}. Nothing was changed.`, { cause: err });
      }
      await tx.checkForeignKeys(m.file);
      await tx.setSchemaVersion(m.version);
      applied.push(m.file);
    }
    return { from, to: Math.max(from, latest), applied };
  });
}
