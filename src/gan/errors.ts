/**
 * Typed errors of the generator runtime. Each carries a stable string `code` that callers
 * switch on, and a message written to be shown to a user as is (it names the file or the
 * input at fault and what is wrong with it).
 */

export type ModelLoadErrorCode =
  | 'missing_file'
  | 'bad_json'
  | 'bad_format'
  | 'weights_size'
  | 'shape_mismatch'
  | 'tag_count'
  | 'duplicate_tag'
  | 'tfjs_load'
  | 'onnx_load'
  | 'checksum'
  | 'bad_output';

/** A model directory (models/<id>/) is incomplete or inconsistent. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly code: ModelLoadErrorCode,
    /** Path of the file at fault (or the directory when no single file is). */
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

// Share codes belong to src/latent/; re-exported because worker messages carry every error kind.
export { ShareCodeError, type ShareCodeErrorCode } from '../latent/errors.ts';
import type { ErrorDetail } from '../latent/errors.ts';

/**
 * The generation queue cannot take the request now; the caller should try again after
 * `retryAfterMs`. With `ownQueued` it is the asker's own share that is full (that many of
 * their pictures are still waiting), not the whole queue.
 */
export class BusyError extends Error {
  override readonly name = 'BusyError';
  readonly code = 'busy' as const;
  constructor(
    readonly retryAfterMs: number,
    readonly ownQueued?: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      ownQueued === undefined
        ? `The girl factory is busy right now; please try again in ${seconds} s.`
        : `${ownQueued} of your pictures are still waiting to be drawn; please wait for them (about ${seconds} s) before asking for more.`,
    );
  }
}

export type GeneratorErrorCode =
  | 'unknown_model'
  | 'bad_request'
  | 'request_too_large'
  | 'worker_crashed'
  | 'worker_timeout'
  /** A batch queued in a worker behind one that crashed or hung: it never ran, and is re-queued. */
  | 'not_started'
  | 'out_of_order'
  | 'worker_start_failed'
  | 'generation_failed'
  /**
   * A model loaded on first use (session-pool.ts) failed its load or its checks then: its
   * requests fail with this for a while; the other models draw on.
   */
  | 'model_unavailable'
  | 'closed';

/** Any other failure of a generation request. */
export class GeneratorError extends Error {
  override readonly name = 'GeneratorError';
  constructor(
    readonly code: GeneratorErrorCode,
    message: string,
    readonly detail?: ErrorDetail,
  ) {
    super(message);
  }
}
