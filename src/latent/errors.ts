/** Typed errors of the latent room, with a stable string `code` and a message fit to show a user. */

export type ShareCodeErrorCode = 'corrupt' | 'bad_length' | 'unsupported_version' | 'wrong_model';

/**
 * What an error's English `message` says, for replies in other languages: `key` names the
 * sentence (i18n's error-details table; detailOf below) and `vars` fill it. Shared by the
 * error classes of latent, gan and core, so that the bot can translate any of them.
 */
export interface ErrorDetail {
  readonly key: string;
  readonly vars?: Readonly<Record<string, string | number>>;
}

/** An ErrorDetail; named so that a test can find every key thrown (tests/i18n). */
export function errorDetail(key: string, vars?: Record<string, string | number>): ErrorDetail {
  return vars === undefined ? { key } : { key, vars };
}

/** A share code that cannot be used: mistyped, cut off, from another model or not a code. */
export class ShareCodeError extends Error {
  override readonly name = 'ShareCodeError';
  constructor(
    readonly code: ShareCodeErrorCode,
    message: string,
    /** The model id the code was made with, when it could be read (for 'wrong_model'). */
    readonly modelId?: string,
    readonly detail?: ErrorDetail,
  ) {
    super(message);
  }
}
