/**
 * The one gateway to SQLite (the only file that imports better-sqlite3). Opens a file or
 * ':memory:', sets the connection up, migrates the schema, and offers cached prepared
 * statements and transactions. Callers pass the returned `Db` into the repositories, so
 * tests can use ':memory:' or temp files freely.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StoreError } from './errors.ts';
import { loadMigrations, migrate } from './migrate.ts';

/** Values that bind to `?` parameters. Buffers/Uint8Arrays bind as BLOBs. */
export type SqlValue = string | number | bigint | Uint8Array | null;

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** The subset of pino's Logger the store uses. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error?(obj: object, msg: string): void;
}

export interface Db {
  /** The path given to openDatabase (or ':memory:'). */
  readonly file: string;
  run(sql: string, ...params: SqlValue[]): RunResult;
  get<T>(sql: string, ...params: SqlValue[]): T | undefined;
  all<T>(sql: string, ...params: SqlValue[]): T[];
  /** Runs SQL text with several statements and no parameters (migrations). */
  exec(sql: string): void;
  /**
   * Runs `fn` in a transaction: committed when it returns, rolled back when it throws.
   * 'immediate' takes the write lock at BEGIN, so read-then-write logic (count, then
   * insert) cannot interleave with another connection's. Nested calls become savepoints.
   */
  transaction<T>(fn: () => T, mode?: 'deferred' | 'immediate'): T;
  /** PRAGMA user_version: the schema version (number of the last migration applied). */
  userVersion(): number;
  close(): void;
}

export interface OpenOptions {
  log?: StoreLogger;
  /** Folder of NNNN__name.sql files; default db/migrations at the repository root. */
  migrationsDir?: string;
  /** How long a connection waits for another's write lock before SQLITE_BUSY, in ms. */
  busyTimeoutMs?: number;
}

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations/', import.meta.url));

/** Statements slower than this are logged as warnings (ms). */
const SLOW_QUERY_MS = 50;

/** Device and inode of a file, to tell it from a new file at the same path. */
interface FileIdentity {
  dev: number;
  ino: number;
}

function identityOf(file: string): FileIdentity | undefined {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    return st ? { dev: st.dev, ino: st.ino } : undefined;
  } catch {
    return undefined; // ENOTDIR, EACCES…: not reachable as it was
  }
}

class SqliteDb implements Db {
  private readonly statements = new Map<string, Database.Statement>();
  /** The file as opened; undefined for in-memory and temporary databases. */
  private identity: FileIdentity | undefined;
  /** Set once the file is found gone: every later call throws it. */
  private lost: StoreError | undefined;

  constructor(
    private readonly raw: Database.Database,
    readonly file: string,
    private readonly log: StoreLogger | undefined,
  ) {}

  /** Remembers the file's identity (after opening, when it surely exists). */
  pinFile(): void {
    if (this.file !== ':memory:' && this.file !== '') this.identity = identityOf(this.file);
  }

  /**
   * Throws once the file was deleted or replaced: SQLite would go on writing to the
   * unlinked inode, and every write would be confirmed and then lost at the next start.
   * One stat (microseconds) per write; reads only look at the flag.
   */
  private checkFile(): void {
    if (this.lost) throw this.lost;
    if (!this.identity) return;
    const now = identityOf(this.file);
    if (now && now.dev === this.identity.dev && now.ino === this.identity.ino) return;
    this.lost = new StoreError(
      'db_unavailable',
      `The database file "${this.file}" was deleted or replaced while the bot was running; ` +
        'writes are refused (they would be lost). Restore the file or its folder and restart.',
    );
    const line = { file: this.file, reason: now ? 'replaced' : 'missing' };
    if (this.log?.error) this.log.error(line, this.lost.message);
    else this.log?.warn(line, this.lost.message);
    throw this.lost;
  }

  /** Around a write outside a transaction, and around a whole transaction. */
  private checked<T>(f: () => T): T {
    if (this.raw.inTransaction) return f(); // the outermost transaction checks
    this.checkFile();
    const out = f();
    this.checkFile();
    return out;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private timed<T>(sql: string, f: () => T): T {
    if (!this.log) return f();
    const t0 = performance.now();
    const out = f();
    const ms = performance.now() - t0;
    if (ms >= SLOW_QUERY_MS) this.log.warn({ ms: Math.round(ms), sql }, 'slow query');
    return out;
  }

  run(sql: string, ...params: SqlValue[]): RunResult {
    return this.checked(() => this.timed(sql, () => this.stmt(sql).run(...params)));
  }

  get<T>(sql: string, ...params: SqlValue[]): T | undefined {
    if (this.lost) throw this.lost;
    return this.timed(sql, () => this.stmt(sql).get(...params) as T | undefined);
  }

  all<T>(sql: string, ...params: SqlValue[]): T[] {
    if (this.lost) throw this.lost;
    return this.timed(sql, () => this.stmt(sql).all(...params) as T[]);
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  transaction<T>(fn: () => T, mode: 'deferred' | 'immediate' = 'deferred'): T {
    const tx = this.raw.transaction(fn);
    return this.checked(() => (mode === 'immediate' ? tx.immediate() : tx.deferred()));
  }

  userVersion(): number {
    return this.raw.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    if (!this.raw.open) return;
    this.statements.clear();
    try {
      this.raw.pragma('optimize'); // refreshes query-planner stats cheaply on shutdown
    } finally {
      this.raw.close();
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Opens (creating if needed) and migrates the database. Throws StoreError:
 * 'db_unreadable' naming the file when it cannot be opened or is not a database,
 * 'db_too_new' when its schema is newer than this code, 'bad_migrations' /
 * 'migration_failed' when the schema cannot be brought up to date (nothing changed then).
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const migrations = loadMigrations(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  let raw: Database.Database;
  try {
    raw = new Database(file);
  } catch (err) {
    throw new StoreError('db_unreadable', `Cannot open the database file "${file}": ${describe(err)}`, { cause: err });
  }
  const db = new SqliteDb(raw, file, opts.log);
  db.pinFile();
  try {
    try {
      // Any query on a file that is not SQLite fails here with "file is not a database".
      raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
      if (file !== ':memory:' && file !== '') {
        // WAL: readers never block the writer; NORMAL sync is durable enough with WAL
        // (a power cut can lose the last commits, never corrupt the file).
        raw.pragma('journal_mode = WAL');
        raw.pragma('synchronous = NORMAL');
      }
      raw.pragma('foreign_keys = ON');
      raw.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (err) {
      throw new StoreError('db_unreadable', `Cannot read the database file "${file}": ${describe(err)}`, { cause: err });
    }
    const { from, to, applied } = migrate(db, migrations);
    if (applied.length > 0) opts.log?.info({ file, from, to, applied }, 'database migrated');
    return db;
  } catch (err) {
    raw.close();
    throw err;
  }
}
