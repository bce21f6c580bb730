/**
 * The PostgreSQL engine (the only file that imports pg): a connection pool shared by the
 * process, for bots that run as several processes or on several hosts against one database.
 * Statements are written with `?` placeholders, as for SQLite, and numbered here. A server
 * that is down or stops answering becomes StoreError('db_not_answering') — users are told to
 * try again in a moment, nothing half-written stays (the transaction dies with its
 * connection), and the pool reconnects by itself when the server is back.
 */
import pg from 'pg';
import type { Db, MigrationTx, OpenOptions, Queryable, RunResult, SqlValue, StoreLogger } from './db.ts';
import { StoreError } from './errors.ts';

/** Statements slower than this are logged as warnings (ms). */
const SLOW_QUERY_MS = 100;

/** int8 (count(*), bigint columns: ids, Unix ms) as JS numbers: every value the store keeps is below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Error codes that mean "the server is not there or not taking work", not "this statement is wrong". */
const NOT_ANSWERING_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
// 'Query read timeout': the client-side statement timeout (a server that hangs cannot enforce
// its own statement_timeout); 'timeout expired': the client-side connection timeout.
const NOT_ANSWERING_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection timeout|Query read timeout|timeout expired/i;

/** Defaults of OpenOptions' timeouts (docs/deploy.md, GFF_DB_CONNECT_TIMEOUT_MS / GFF_DB_STATEMENT_TIMEOUT_MS). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/**
 * The client gives a statement this much longer than the server's statement_timeout: a
 * server that answers cancels the statement itself (57014, the connection stays usable);
 * only a server that does not answer at all meets the client's timer.
 */
const CLIENT_GRACE_MS = 500;

export function isNotAnswering(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | undefined;
  if (typeof err?.code === 'string' && NOT_ANSWERING_CODES.has(err.code)) return true;
  if (typeof err?.message === 'string' && NOT_ANSWERING_MESSAGE.test(err.message)) return true;
  // An AggregateError from a host with several addresses (IPv4 + IPv6): each refused.
  const inner = (e as { errors?: unknown[] } | undefined)?.errors;
  return Array.isArray(inner) && inner.length > 0 && inner.every(isNotAnswering);
}

/** postgres://user:secret@host/db → postgres://user@host/db, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'the configured PostgreSQL URL';
  }
}

/** `?` → `$1, $2, …`. The store's statements carry no `?` inside strings or comments. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Uint8Array → Buffer (pg sends Buffers as bytea). */
const bind = (params: SqlValue[]): unknown[] => params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));

interface Client {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

class PgStatements implements Queryable {
  constructor(
    protected readonly client: Client,
    protected readonly owner: PostgresDb,
  ) {}

  protected q(sql: string, params: SqlValue[]): Promise<pg.QueryResult> {
    return this.owner.timed(sql, () => this.client.query(numbered(sql), bind(params)));
  }
  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return { changes: (await this.q(sql, params)).rowCount ?? 0 };
  }
  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return (await this.q(sql, params)).rows[0] as T | undefined;
  }
  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return (await this.q(sql, params)).rows as T[];
  }
}

const VERSION_TABLE = 'CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)';

class PgMigrationTx extends PgStatements implements MigrationTx {
  async exec(sql: string): Promise<void> {
    await this.client.query(sql); // simple protocol: several statements, no parameters
  }
  async schemaVersion(): Promise<number> {
    return readVersion(this.client);
  }
  async setSchemaVersion(version: number): Promise<void> {
    await this.client.query('DELETE FROM schema_version');
    await this.client.query('INSERT INTO schema_version (version) VALUES ($1)', [version]);
  }
  async checkForeignKeys(): Promise<void> {
    // PostgreSQL checks foreign keys as each statement runs: a migration that orphans a row fails there.
  }
}

async function readVersion(client: Client): Promise<number> {
  const exists = await client.query("SELECT to_regclass('schema_version') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return 0;
  const row = await client.query('SELECT max(version) AS v FROM schema_version');
  return Number(row.rows[0]?.v ?? 0);
}

class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  /** Statements outside a transaction: each on whichever pooled connection is free. */
  private readonly direct: PgStatements;

  constructor(
    private readonly pool: pg.Pool,
    readonly where: string,
    private readonly log: StoreLogger | undefined,
    /** Every connection the pool opened and that has not ended: close() cuts those a hung server holds. */
    private readonly clients: ReadonlySet<pg.Client>,
    /** How long close() waits for the server to take its goodbyes (ms). */
    private readonly closeGraceMs: number,
  ) {
    this.direct = new PgStatements(pool, this);
  }

  /** Times a statement, and turns "server not there" into the store's error. */
  async timed<T>(sql: string, f: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await f();
    } catch (e) {
      throw this.translate(e);
    } finally {
      const ms = performance.now() - t0;
      if (ms >= SLOW_QUERY_MS) this.log?.warn({ ms: Math.round(ms), sql }, 'slow query');
    }
  }

  translate(e: unknown): unknown {
    if (e instanceof StoreError || !isNotAnswering(e)) return e;
    const why = e instanceof Error && e.message ? e.message : String((e as { code?: unknown })?.code ?? e);
    return new StoreError('db_not_answering', `PostgreSQL at ${this.where} is not answering: ${why}`, { cause: e });
  }

  run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.direct.run(sql, ...params);
  }
  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return this.direct.get<T>(sql, ...params);
  }
  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return this.direct.all<T>(sql, ...params);
  }

  /** One pooled connection for BEGIN … COMMIT; a connection that failed is discarded, not reused. */
  private async withTransaction<T>(lockKey: string | undefined, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.translate(e);
    }
    let broken: unknown;
    try {
      await client.query('BEGIN');
      // Serialises writers of one key (a user's favourites) across every process and host.
      if (lockKey !== undefined) await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      if (isNotAnswering(e)) {
        // A connection that timed out or was cut is not asked for a ROLLBACK (that would wait out
        // a second timeout on a hung server): it is discarded, and the server rolls back the
        // transaction when the connection closes.
        broken = e;
      } else {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError; // the connection is gone; the server rolled back already
        }
      }
      throw this.translate(e);
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>, lockKey?: string): Promise<T> {
    return this.withTransaction(lockKey, (client) => fn(new PgStatements(client, this)));
  }

  async schemaVersion(): Promise<number> {
    return this.timed('schema_version', () => readVersion(this.pool));
  }

  upgrade<T>(fn: (tx: MigrationTx) => Promise<T>): Promise<T> {
    return this.withTransaction('gff:migrations', async (client) => {
      await client.query(VERSION_TABLE);
      return fn(new PgMigrationTx(client, this));
    });
  }

  async close(): Promise<void> {
    await this.pool.end(); // resolves at once; each connection ends when the server answers its goodbye
    if (this.clients.size === 0) return;
    // A hung server never answers, and its open sockets would keep the process from exiting: after
    // the grace they are cut.
    const open = [...this.clients];
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.closeGraceMs);
    });
    const allEnded = Promise.all(open.map((c) => new Promise((resolve) => c.once('end', resolve)))).then(() => true as const);
    const clean = await Promise.race([allEnded, graceOver]);
    clearTimeout(timer);
    if (clean) return;
    this.log?.warn({ database: this.where, connections: this.clients.size }, 'PostgreSQL did not answer on closing: its connections are cut');
    for (const client of this.clients) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    await allEnded; // each socket reports its end as it closes
  }
}

/**
 * Connects to the server at `url` (postgres://…) and checks that it answers; migrating is the
 * caller's. Throws StoreError('db_not_answering') naming the server (password left out) when
 * it cannot be reached, 'db_unreadable' when it refuses the login or the database.
 */
const connectTimeoutMsOf = (opts: OpenOptions) => opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

export async function openPostgres(url: string, opts: OpenOptions = {}): Promise<Db> {
  const where = redactUrl(url);
  const statementTimeoutMs = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // Client-side: a connection attempt (TCP and start-up) and a wait for a free pooled connection.
    connectionTimeoutMillis: connectTimeoutMsOf(opts),
    // Server-side, for a server that runs but is slow; the client-side timer for one that hangs
    // (stopped, frozen VM, lost packets): without it a statement waits until the server returns.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + CLIENT_GRACE_MS,
    idleTimeoutMillis: 30_000,
    types,
    application_name: 'girl-friend-factory',
  });
  // An idle pooled connection that the server closes emits 'error' on the pool: without a
  // listener that would crash the process. The pool drops the connection and opens a new one.
  pool.on('error', (err) => opts.log?.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'PostgreSQL connection lost'));
  const clients = new Set<pg.Client>();
  pool.on('connect', (client) => {
    clients.add(client);
    client.once('end', () => clients.delete(client));
  });
  const db = new PostgresDb(pool, where, opts.log, clients, connectTimeoutMsOf(opts));
  try {
    await db.get('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    if (e instanceof StoreError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new StoreError('db_unreadable', `Cannot use the PostgreSQL database at ${where}: ${why}`, { cause: e });
  }
  return db;
}
