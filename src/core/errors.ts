/**
 * A request the user can fix (unknown tag, bad code, wrong number): `message` is shown as is,
 * `code` is stable for callers and tests. Anything else reaching the bot is a bug or an outage.
 */
import type { ErrorDetail } from '../latent/errors.ts';
import type { UnknownTag } from '../tags/parse.ts';

export type UserErrorCode = 'unknown_tags' | 'bad_code' | 'unknown_model' | 'bad_number' | 'too_large' | 'bad_size' | 'no_size';

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly code: UserErrorCode,
    message: string,
    /** The message as a key and values, for replies in the user's language. */
    readonly detail?: ErrorDetail,
    /** For unknown_tags from typed text: the words, so that a reply can list them in the user's language. */
    readonly unknownTags?: readonly UnknownTag[],
  ) {
    super(message);
  }
}
