/**
 * Store failures by what a user can do about them: 'busy' passes (another writer holds the
 * lock, or the database server is not answering: try again in a moment); 'unavailable' does not (the file is damaged, full, read-only,
 * unreadable or gone: the operator must act). Anything else (constraint violations, SQL
 * errors) is a bug, 'other'.
 */
import { StoreError } from './errors.ts';

export type StoreFailureKind = 'busy' | 'unavailable' | 'other';

const BUSY = ['SQLITE_BUSY', 'SQLITE_LOCKED'];
const UNAVAILABLE = [
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
  'SQLITE_NOLFS',
  'SQLITE_AUTH',
  'SQLITE_FORMAT',
];

/** Matches a primary result code and its extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT…). */
const matches = (code: string, list: readonly string[]) => list.some((p) => code === p || code.startsWith(`${p}_`));

/**
 * PostgreSQL SQLSTATEs (postgresql.org/docs/current/errcodes-appendix.html): lock conflicts
 * pass; a full disk, a read-only or damaged server, or missing rights need the operator.
 * (A server that is not there at all arrives as StoreError 'db_not_answering'.)
 */
const PG_BUSY = new Set(['40001', '40P01', '55P03']); // serialization failure, deadlock, lock not available
const PG_UNAVAILABLE_CLASSES = ['53', '58', 'XX']; // insufficient resources, system error, internal (data corrupted)
const PG_UNAVAILABLE = new Set(['25006', '42501', '28000', '28P01', '3D000']); // read-only, privileges, login, no such database

function postgresKind(code: string): StoreFailureKind {
  if (PG_BUSY.has(code)) return 'busy';
  if (PG_UNAVAILABLE.has(code) || PG_UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return 'unavailable';
  return 'other';
}

/** The kind of a store failure, or undefined when `e` is not one. */
export function storeFailureKind(e: unknown): StoreFailureKind | undefined {
  if (e instanceof StoreError) return e.code === 'invalid_input' ? 'other' : e.code === 'db_not_answering' ? 'busy' : 'unavailable';
  const code = (e as { code?: unknown })?.code;
  // pg's errors carry the server's severity and a five-character SQLSTATE.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof (e as { severity?: unknown }).severity === 'string') return postgresKind(code);
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (matches(code, BUSY)) return 'busy';
  if (matches(code, UNAVAILABLE)) return 'unavailable';
  return 'other';
}

/**
 * A start-up failure of the store as a StoreError that names the file (the message of a
 * raw SQLite error does not); StoreErrors and non-store errors are returned as they are.
 */
export function namingFile(e: unknown, file: string): unknown {
  if (e instanceof StoreError || storeFailureKind(e) === undefined) return e;
  const err = e as { code: string; message?: string };
  return new StoreError('db_unreadable', `Cannot use the database file "${file}": ${err.message ?? err.code} (${err.code})`, { cause: e });
}
