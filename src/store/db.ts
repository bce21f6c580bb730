/**
 * The store's view of a database, whichever engine holds it: SQLite (sqlite.ts, the embedded
 * default) or PostgreSQL (postgres.ts, for several processes or hosts). The repositories are
 * written once against these interfaces, in the SQL both engines speak: `?` placeholders
 * (PostgreSQL's adapter numbers them), `RETURNING`, `ON CONFLICT`, window functions.
 */

/** Values that bind to `?` parameters. Uint8Arrays bind as BLOB / bytea. */
export type SqlValue = string | number | bigint | Uint8Array | null;

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** The subset of pino's Logger the store uses. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error?(obj: object, msg: string): void;
}

export type Engine = 'sqlite' | 'postgres';

/** Statements, on the database or inside a transaction. Integers come back as JS numbers. */
export interface Queryable {
  run(sql: string, ...params: SqlValue[]): Promise<RunResult>;
  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]>;
}

/** What the migration runner needs inside its transaction. */
export interface MigrationTx extends Queryable {
  /** Runs SQL text with several statements and no parameters. */
  exec(sql: string): Promise<void>;
  schemaVersion(): Promise<number>;
  setSchemaVersion(version: number): Promise<void>;
  /** Throws StoreError('migration_failed') when a row points at a parent that is not there. */
  checkForeignKeys(file: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: Engine;
  /** The file, or the server URL without its password: for messages and logs. */
  readonly where: string;
  /**
   * Runs `fn` in a write transaction: committed when it resolves, rolled back when it throws.
   * Read-then-write logic (count, then insert) inside cannot interleave with another
   * writer's for the same `lockKey`, in this process or any other: SQLite takes its one
   * write lock at BEGIN (BEGIN IMMEDIATE, every key at once); PostgreSQL takes a
   * transaction-scoped advisory lock on the key. Use `tx`, never the Db or a repository,
   * inside `fn`: on SQLite those wait for the open transaction, which would then wait for them.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, lockKey?: string): Promise<T>;
  /** The schema version: the number of the last migration applied. */
  schemaVersion(): Promise<number>;
  /**
   * Runs `fn` as the one schema-upgrade transaction, with the engine's set-up around it
   * (SQLite: foreign keys off during it; PostgreSQL: a lock other processes' upgrades wait on).
   */
  upgrade<T>(fn: (tx: MigrationTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  log?: StoreLogger;
  /** Folder of NNNN__name.sql files; default db/migrations/<engine> at the repository root. */
  migrationsDir?: string;
  /** SQLite: how long a connection waits for another's write lock before SQLITE_BUSY, in ms. */
  busyTimeoutMs?: number;
  /** PostgreSQL: the most connections this process opens (default 10). */
  poolSize?: number;
  /** PostgreSQL: how long a connection attempt or a statement may take before the store gives up, ms (default 5000 / 10000). */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}
