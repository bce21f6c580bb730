/** Stable ids of the ways a render can be refused; callers switch on `code`, never on text. */
export type RenderErrorCode =
  | 'no_images' // an empty tile/frame list
  | 'bad_image' // a RawImage whose size and data disagree, or tiles of mixed sizes
  | 'bad_layout' // labels that don't match the tiles, ragged rows, impossible sizes
  | 'too_many_images'; // more tiles than any Discord grid we draw

export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    readonly code: RenderErrorCode,
    message: string,
  ) {
    super(message);
  }
}
