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

/** The kind of a store failure, or undefined when `e` is not one. */
export function storeFailureKind(e: unknown): StoreFailureKind | undefined {
  if (e instanceof StoreError) return e.code === 'invalid_input' ? 'other' : e.code === 'db_not_answering' ? 'busy' : 'unavailable';
  const code = (e as { code?: unknown })?.code;
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
