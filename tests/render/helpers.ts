import sharp from 'sharp';
import type { RawImage } from '../../src/render/raw-image.ts';

export function solidTile(size: number, rgb: [number, number, number]): RawImage {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width: size, height: size, channels: 3, data };
}

/** Pseudo-random bytes (fixed LCG): the worst case for any image encoder. */
export function noiseTile(size: number, seed: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width: size, height: size, channels: 3, data };
}

export function gradientTile(size: number, hue: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      data[i] = (hue * 37 + x * 3) & 255;
      data[i + 1] = (hue * 91 + y * 3) & 255;
      data[i + 2] = (hue * 53 + x + y) & 255;
    }
  }
  return { width: size, height: size, channels: 3, data };
}

export interface Decoded {
  width: number;
  height: number;
  channels: number;
  data: Buffer;
}

export async function decode(png: Buffer): Promise<Decoded> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data };
}

/** Number of pixels that differ between two same-sized decodes inside a rectangle. */
export function diffPixels(a: Decoded, b: Decoded, x: number, y: number, w: number, h: number): number {
  let n = 0;
  for (let yy = y; yy < y + h; yy++) {
    for (let xx = x; xx < x + w; xx++) {
      const i = (yy * a.width + xx) * a.channels;
      for (let c = 0; c < a.channels; c++) {
        if (a.data[i + c] !== b.data[i + c]) {
          n++;
          break;
        }
      }
    }
  }
  return n;
}

/** The largest and the mean absolute difference between two same-length byte arrays (pixels). */
export function byteDifference(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}
