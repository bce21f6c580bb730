/**
 * A request the user can fix (unknown tag, bad code, wrong number): `message` is shown as is,
 * `code` is stable for callers and tests. Anything else reaching the bot is a bug or an outage.
 */
export type UserErrorCode = 'unknown_tags' | 'bad_code' | 'unknown_model' | 'bad_number' | 'too_large';

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
  }
}
