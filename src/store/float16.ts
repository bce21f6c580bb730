/**
 * IEEE 754 half precision (binary16), little-endian, for storing z compactly: 2 bytes per
 * value, 200 bytes for z of 100. Encoding rounds to nearest, ties to even, like a hardware
 * conversion; subnormals, ±0, ±Infinity and NaN are kept. Relative error for normal-range
 * values (|x| in [6.1e-5, 65504]) is at most 2^-11 ≈ 4.9e-4.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Bits of the half nearest to `x` (x is first rounded to float32, as z already is). */
export function toHalfBits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Infinity or (quiet) NaN
  const e = exp - 127 + 15; // re-biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // too large: Infinity
  if (e <= 0) {
    // Subnormal half (or zero): value = m × 2^-24. Values below half the smallest subnormal go to ±0.
    if (e < -10) return sign;
    const m = mant | 0x800000; // restore the implicit leading 1
    const shift = 14 - e; // 13 mantissa bits dropped, plus (1 - e) for the smaller exponent
    const rem = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    let h = m >>> shift;
    if (rem > halfway || (rem === halfway && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and 65520 up to Infinity).
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m !== 0 ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** `values` as float16, 2 bytes each, little-endian. */
export function encodeFloat16(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, toHalfBits(values[i]!), true);
  return out;
}

/** Inverse of encodeFloat16. Throws on an odd byte count (a truncated blob). */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.length % 2 !== 0) throw new RangeError(`float16 data must have an even byte count, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = fromHalfBits(view.getUint16(i * 2, true));
  return out;
}

/** Largest finite half value; anything bigger in magnitude would be stored as Infinity. */
export const FLOAT16_MAX = 65504;
