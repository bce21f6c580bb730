/**
 * Checks on the RGB pictures the generator hands over. The type itself is the generator's
 * (src/gan/image.ts: 8-bit channels, row-major, no padding, `data.length === width * height * 3`),
 * re-exported here so render's callers need one import.
 */
import type { RawImage } from '../gan/image.ts';
import { RenderError } from './errors.ts';

export type { RawImage };

/** Throws RenderError('bad_image') unless `img` is a well-formed RawImage. */
export function assertRawImage(img: RawImage, what = 'image'): void {
  const ok =
    Number.isInteger(img.width) &&
    Number.isInteger(img.height) &&
    img.width > 0 &&
    img.height > 0 &&
    img.channels === 3 &&
    img.data instanceof Uint8Array &&
    img.data.length === img.width * img.height * 3;
  if (!ok) {
    const len = img.data instanceof Uint8Array ? img.data.length : 'no data';
    throw new RenderError('bad_image', `${what} is not an RGB ${img.width}×${img.height} image (channels ${img.channels}, ${len} bytes)`);
  }
}

/** Checks a non-empty list of same-sized images and returns their common size. */
export function commonSize(images: readonly RawImage[], what = 'tile'): { width: number; height: number } {
  const first = images[0];
  if (first === undefined) throw new RenderError('no_images', 'There is nothing to draw.');
  images.forEach((img, i) => {
    assertRawImage(img, `${what} ${i + 1}`);
    if (img.width !== first.width || img.height !== first.height) {
      throw new RenderError('bad_image', `${what} ${i + 1} is ${img.width}×${img.height}, but ${what} 1 is ${first.width}×${first.height}`);
    }
  });
  return { width: first.width, height: first.height };
}
