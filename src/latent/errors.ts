/** Typed errors of the latent room, with a stable string `code` and a message fit to show a user. */

export type ShareCodeErrorCode = 'corrupt' | 'bad_length' | 'unsupported_version' | 'wrong_model';

/** A share code that cannot be used: mistyped, cut off, from another model or not a code. */
export class ShareCodeError extends Error {
  override readonly name = 'ShareCodeError';
  constructor(
    readonly code: ShareCodeErrorCode,
    message: string,
    /** The model id the code was made with, when it could be read (for 'wrong_model'). */
    readonly modelId?: string,
  ) {
    super(message);
  }
}
