/**
 * Opening the store: the engine named by the target (a postgres:// URL, else a SQLite file
 * or ':memory:'), connected, checked and migrated to the newest schema.
 */
import { fileURLToPath } from 'node:url';
import type { Db, Engine, OpenOptions } from './db.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';

const MIGRATIONS_ROOT = new URL('../../db/migrations/', import.meta.url);

/** db/migrations/<engine>: the same history in each engine's dialect. */
export function migrationsDirOf(engine: Engine): string {
  return fileURLToPath(new URL(`${engine}/`, MIGRATIONS_ROOT));
}

/** The engine a target names: PostgreSQL for postgres:// and postgresql:// URLs, else SQLite. */
export function engineOf(target: string): Engine {
  return /^postgres(ql)?:\/\//i.test(target) ? 'postgres' : 'sqlite';
}

/**
 * Opens (creating a SQLite file if needed) and migrates the database. Throws StoreError:
 * 'db_unreadable' naming the file or server when it cannot be opened or used,
 * 'db_not_answering' when a server cannot be reached, 'db_too_new' when its schema is newer
 * than this code, 'bad_migrations' / 'migration_failed' when the schema cannot be brought up
 * to date (nothing changed then).
 */
export async function openDatabase(target: string, opts: OpenOptions = {}): Promise<Db> {
  const engine = engineOf(target);
  const migrations = loadMigrations(opts.migrationsDir ?? migrationsDirOf(engine));
  const db = engine === 'postgres' ? await openPostgres(target, opts) : openSqlite(target, opts);
  try {
    const { from, to, applied } = await migrate(db, migrations);
    if (applied.length > 0) opts.log?.info({ database: db.where, from, to, applied }, 'database migrated');
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
