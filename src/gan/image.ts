/** Generator output → 8-bit RGB images. */

/** One picture: `width × height` pixels, RGB, row-major, 3 bytes per pixel. */
export interface RawImage {
  width: number;
  height: number;
  channels: 3;
  /**
   * width · height · 3 bytes. May be a view into a larger batch buffer (check byteOffset
   * before using `.buffer` directly; sharp and Buffer.from(view) handle views correctly).
   */
  data: Uint8Array;
}

/**
 * tanh output in [-1, 1] → bytes via (x + 1) · 127.5, rounded (half to even, as numpy and
 * torch round) and clamped to 0..255; NaN becomes 0. Uint8ClampedArray does exactly that.
 */
export function tanhToRgb(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8ClampedArray(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! + 1) * 127.5;
  return new Uint8Array(out.buffer);
}

/** Splits a batch [count, size, size, 3] into images that view the batch buffer (no copy). */
export function splitImages(pixels: Uint8Array, count: number, size: number): RawImage[] {
  const per = size * size * 3;
  if (pixels.length !== count * per) {
    throw new RangeError(`batch holds ${pixels.length} bytes, expected ${count} × ${size}² × 3 = ${count * per}`);
  }
  const out: RawImage[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ width: size, height: size, channels: 3, data: pixels.subarray(i * per, (i + 1) * per) });
  }
  return out;
}
