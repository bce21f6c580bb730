/**
 * Girls from models of different sizes on one picture (an old 64 px favourite beside 128 px
 * ones): every tile is brought to the largest size, since a grid lays out one tile size.
 */
import type { RawImage } from '../render/raw-image.ts';

/** Nearest-neighbour scaling of a square tile (the grid rescales again for display anyway). */
export function scaleTo(img: RawImage, size: number): RawImage {
  if (img.width === size && img.height === size) return img;
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(img.height - 1, Math.floor((y * img.height) / size));
    for (let x = 0; x < size; x++) {
      const sx = Math.min(img.width - 1, Math.floor((x * img.width) / size));
      out.set(img.data.subarray((sy * img.width + sx) * 3, (sy * img.width + sx) * 3 + 3), (y * size + x) * 3);
    }
  }
  return { width: size, height: size, channels: 3, data: out };
}

/** The tiles at the largest one's size (unchanged when they already share one). */
export function toLargestSize(images: readonly RawImage[], atLeast = 0): RawImage[] {
  const size = Math.max(atLeast, ...images.map((d) => d.width));
  return images.map((img) => scaleTo(img, size));
}
