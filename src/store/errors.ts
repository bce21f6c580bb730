/** Stable ids of store failures that are not per-call results (those are typed results). */
export type StoreErrorCode =
  | 'db_unreadable' // the file cannot be opened or is not a SQLite database; the server refuses the login or database
  | 'db_unavailable' // the file was deleted or replaced while open, or is damaged: writes are refused
  | 'db_not_answering' // the database server is down or not answering: passes when it is back
  | 'db_too_new' // user_version is ahead of the newest migration this code has
  | 'bad_migrations' // the migrations folder itself is malformed (gaps, duplicates, bad names)
  | 'migration_failed' // a migration's SQL failed; nothing of the batch was applied
  | 'invalid_input'; // a caller passed data the schema cannot hold (a bug, not a user error)

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
