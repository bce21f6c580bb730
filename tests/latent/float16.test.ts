import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits, roundToFloat16 } from '../../src/latent/float16.ts';

describe('float16', () => {
  it('GIVEN exactly representable values THEN they round-trip exactly with the known bit patterns', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest half
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
    ];
    for (const [v, bits] of cases) {
      expect(float32ToFloat16Bits(v)).toBe(bits);
      expect(float16BitsToFloat32(bits)).toBe(v);
    }
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
  });

  it('GIVEN values between halves THEN they round to nearest, ties to even, overflow to Infinity', () => {
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1); // tie → even (1.0)
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // tie → even (upper)
    expect(roundToFloat16(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10); // above the tie
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(roundToFloat16(2 ** -26)).toBe(0);
    expect(roundToFloat16(3 * 2 ** -25)).toBe(2 * 2 ** -24); // subnormal tie → even
  });

  it('GIVEN random normals THEN the relative error is within half precision (2^-11)', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 4);
    const back = decodeFloat16(encodeFloat16(values));
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
    }
  });

  it('GIVEN bytes from encodeFloat16 THEN tfjs decodes float16-quantised weights to the same values', async () => {
    tf.env().set('PROD', true); // no "install tfjs-node" banner
    const values = Float32Array.from({ length: 64 }, (_, i) => (i - 32) / 7.3);
    const bytes = encodeFloat16(values);
    const decoded = tf.io.decodeWeights(bytes.slice().buffer, [{ name: 'w', shape: [64], dtype: 'float32', quantization: { dtype: 'float16' } }]);
    const ours = decodeFloat16(bytes);
    expect(Array.from(await decoded.w!.data())).toEqual(Array.from(ours));
    decoded.w!.dispose();
  });

  it('GIVEN an odd byte count THEN decodeFloat16 throws', () => {
    expect(() => decodeFloat16(new Uint8Array(3))).toThrow(RangeError);
  });
});
