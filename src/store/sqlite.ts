/**
 * The SQLite engine (the only file that imports better-sqlite3): a file or ':memory:', WAL,
 * foreign keys on, cached prepared statements. better-sqlite3 is synchronous; the store's
 * interface is not, so a transaction can await between statements. While one is open, other
 * callers' statements wait for it (they would otherwise run inside it on this one connection).
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { Db, MigrationTx, OpenOptions, Queryable, RunResult, SqlValue, StoreLogger } from './db.ts';
import { StoreError } from './errors.ts';

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

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The connection's statements, synchronous; the Db and its transactions wrap them. */
class Connection {
  private readonly statements = new Map<string, Database.Statement>();
  /** The file as opened; undefined for in-memory and temporary databases. */
  private identity: FileIdentity | undefined;
  /** Set once the file is found gone: every later call throws it. */
  private lost: StoreError | undefined;

  constructor(
    readonly raw: Database.Database,
    readonly file: string,
    private readonly log: StoreLogger | undefined,
  ) {
    if (file !== ':memory:' && file !== '') this.identity = identityOf(file);
  }

  /**
   * Throws once the file was deleted or replaced: SQLite would go on writing to the
   * unlinked inode, and every write would be confirmed and then lost at the next start.
   * One stat (microseconds) per write; reads only look at the flag.
   */
  checkFile(): void {
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

  /** A write outside a transaction checks the file before and after; inside, the transaction does. */
  run(sql: string, params: SqlValue[]): RunResult {
    const write = () => ({ changes: this.timed(sql, () => this.stmt(sql).run(...params)).changes });
    if (this.raw.inTransaction) return write();
    this.checkFile();
    const out = write();
    this.checkFile();
    return out;
  }

  get<T>(sql: string, params: SqlValue[]): T | undefined {
    if (this.lost) throw this.lost;
    return this.timed(sql, () => this.stmt(sql).get(...params) as T | undefined);
  }

  all<T>(sql: string, params: SqlValue[]): T[] {
    if (this.lost) throw this.lost;
    return this.timed(sql, () => this.stmt(sql).all(...params) as T[]);
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

/** Statements inside an open transaction: straight to the connection. */
class SqliteTx implements MigrationTx {
  constructor(private readonly conn: Connection) {}
  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.conn.run(sql, params);
  }
  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return this.conn.get<T>(sql, params);
  }
  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return this.conn.all<T>(sql, params);
  }
  async exec(sql: string): Promise<void> {
    this.conn.raw.exec(sql);
  }
  async schemaVersion(): Promise<number> {
    return this.conn.raw.pragma('user_version', { simple: true }) as number;
  }
  async setSchemaVersion(version: number): Promise<void> {
    this.conn.raw.exec(`PRAGMA user_version = ${Math.floor(version)}`);
  }
  async checkForeignKeys(file: string): Promise<void> {
    const orphans = this.conn.all<{ table: string; rowid: number | null; parent: string }>('PRAGMA foreign_key_check', []);
    if (orphans.length === 0) return;
    const o = orphans[0]!;
    throw new StoreError(
      'migration_failed',
      `Migration ${file} failed on "${this.conn.file}": it left ${orphans.length} row(s) whose foreign key points at no row ` +
        `(first: table ${o.table}, rowid ${o.rowid ?? '?'}, parent ${o.parent}; PRAGMA foreign_key_check). Nothing was changed.`,
    );
  }
}

class SqliteDb implements Db {
  readonly engine = 'sqlite' as const;
  /** Resolves when the open transaction (if any) has ended; statements queue behind it. */
  private idle: Promise<void> = Promise.resolve();
  private inTx = false;

  constructor(private readonly conn: Connection) {}

  get where(): string {
    return this.conn.file;
  }

  /** Runs `f` now when no transaction is open (the common case: no extra tick), else after it. */
  private async outside<T>(f: () => T): Promise<T> {
    while (this.inTx) await this.idle;
    return f();
  }

  run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.outside(() => this.conn.run(sql, params));
  }

  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return this.outside(() => this.conn.get<T>(sql, params));
  }

  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return this.outside(() => this.conn.all<T>(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, _lockKey?: string): Promise<T> {
    return this.exclusive(fn);
  }

  /** BEGIN IMMEDIATE … COMMIT around `fn`, one at a time; the file is checked before and after. */
  private async exclusive<T>(fn: (tx: SqliteTx) => Promise<T>): Promise<T> {
    while (this.inTx) await this.idle;
    this.inTx = true;
    let release!: () => void;
    this.idle = new Promise<void>((resolve) => (release = resolve));
    const raw = this.conn.raw;
    try {
      this.conn.checkFile();
      raw.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(new SqliteTx(this.conn));
        raw.exec('COMMIT');
        this.conn.checkFile();
        return out;
      } catch (e) {
        if (raw.inTransaction) raw.exec('ROLLBACK');
        throw e;
      }
    } finally {
      this.inTx = false;
      release();
    }
  }

  schemaVersion(): Promise<number> {
    return this.outside(() => this.conn.raw.pragma('user_version', { simple: true }) as number);
  }

  async upgrade<T>(fn: (tx: MigrationTx) => Promise<T>): Promise<T> {
    // Off outside the transaction (inside one SQLite ignores it), back on whatever happens:
    // a table rebuild (create new, copy, drop, rename) must not cascade into child tables.
    const raw = this.conn.raw;
    const foreignKeys = raw.pragma('foreign_keys', { simple: true }) === 1;
    if (foreignKeys) raw.pragma('foreign_keys = OFF');
    try {
      return await this.exclusive(fn);
    } finally {
      if (foreignKeys) raw.pragma('foreign_keys = ON');
    }
  }

  async close(): Promise<void> {
    while (this.inTx) await this.idle;
    this.conn.close();
  }
}

/** Opens (creating if needed) a SQLite file and sets the connection up; migrating is the caller's. */
export function openSqlite(file: string, opts: OpenOptions = {}): Db {
  let raw: Database.Database;
  try {
    raw = new Database(file);
  } catch (err) {
    throw new StoreError('db_unreadable', `Cannot open the database file "${file}": ${describe(err)}`, { cause: err });
  }
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
    raw.close();
    throw new StoreError('db_unreadable', `Cannot read the database file "${file}": ${describe(err)}`, { cause: err });
  }
  return new SqliteDb(new Connection(raw, file, opts.log));
}
