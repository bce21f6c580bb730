import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, float16BitsToFloat32 as fromHalfBits, float32ToFloat16Bits as toHalfBits } from '../../src/latent/float16.ts';

describe('float16', () => {
  it('GIVEN well-known values THEN the standard bit patterns', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.1)).toBe(0x2e66);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(0)).toBe(0x0000);
    expect(toHalfBits(-0)).toBe(0x8000);
    expect(toHalfBits(Infinity)).toBe(0x7c00);
    expect(toHalfBits(-Infinity)).toBe(0xfc00);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });

  it('GIVEN exact halfway values THEN ties round to even', () => {
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // between 0x3c00 (even) and 0x3c01
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // between 0x3c01 and 0x3c02 (even)
    expect(toHalfBits(65520)).toBe(0x7c00); // halfway to the next power: rounds to Infinity
    expect(toHalfBits(65519)).toBe(0x7bff);
    expect(toHalfBits(2 ** -25)).toBe(0x0000); // half the smallest subnormal → even (0)
    expect(toHalfBits(3 * 2 ** -25)).toBe(0x0002); // 1.5 subnormals → 2
    expect(toHalfBits(2 ** -14 - 2 ** -25)).toBe(0x0400); // largest subnormal + half step → carries to the smallest normal
  });

  it('GIVEN every finite half THEN decode then encode gives the same bits', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // Inf/NaN
      if (toHalfBits(fromHalfBits(h)) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('GIVEN normal-range values THEN the round-trip relative error is ≤ 2^-11 (< 1e-3)', () => {
    let s = 12345;
    const values = new Float32Array(10_000);
    for (let i = 0; i < values.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const mag = 2 ** (((s >>> 8) / 2 ** 24) * 30 - 14); // 2^-14 … 2^16
      values[i] = Math.min(mag, 65000) * (s & 1 ? -1 : 1);
    }
    const back = decodeFloat16(encodeFloat16(values));
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(back[i]! - values[i]!) / Math.abs(values[i]!));
    expect(worst).toBeLessThanOrEqual(2 ** -11);
    expect(worst).toBeGreaterThan(0);
  });

  it('GIVEN z of 100 values THEN 200 little-endian bytes', () => {
    const z = new Float32Array(100).fill(1);
    const bytes = encodeFloat16(z);
    expect(bytes.length).toBe(200);
    expect([bytes[0], bytes[1]]).toEqual([0x00, 0x3c]);
  });

  it('GIVEN an odd byte count THEN it throws', () => {
    expect(() => decodeFloat16(new Uint8Array(3))).toThrow(RangeError);
  });
});
