/**
 * Schema migrations: db/migrations/NNNN__name.sql, applied in number order. The schema
 * version is PRAGMA user_version (= the number of the last file applied). All pending
 * files run in one IMMEDIATE transaction, so an upgrade either completes or leaves the
 * database exactly as it was; a database newer than the code is refused.
 * Migration files must not contain BEGIN/COMMIT of their own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { StoreError } from './errors.ts';

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
    migrations.push({ version: Number(m[1]), name: m[2]!, file, sql: readFileSync(join(dir, file), 'utf8') });
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
      db.exec(`PRAGMA user_version = ${m.version}`);
      applied.push(m.file);
    }
    return { from, to: Math.max(from, latest), applied };
  }, 'immediate');
}
