import { describe, expect, it } from 'vitest';
import { SeedRandom, seedToZ } from '../../src/latent/seed-random.ts';

describe('seedToZ', () => {
  it('GIVEN seed 42 THEN z starts with the golden values shared with Python', () => {
    const z = seedToZ(42);
    expect(z).toHaveLength(100);
    expect(Array.from(z.slice(0, 6))).toEqual([
      1.1226592063903809, 0.9491474628448486, 0.4041278660297394, 0.03873744234442711, 0.8382377624511719, 1.8839768171310425,
    ]);
  });

  it('GIVEN seed 0 THEN z starts with the golden values (0 is a seed like any other)', () => {
    expect(Array.from(seedToZ(0).slice(0, 3))).toEqual([2.0812089443206787, 0.16346561908721924, 0.25413069128990173]);
  });

  it('GIVEN the same seed twice THEN z is identical; GIVEN another seed THEN it differs', () => {
    expect(seedToZ(7)).toEqual(seedToZ(7));
    expect(seedToZ(7)).not.toEqual(seedToZ(8));
  });

  it('GIVEN zDim 10 THEN z is the first 10 values of the 100-long z', () => {
    expect(Array.from(seedToZ(42, 10))).toEqual(Array.from(seedToZ(42).slice(0, 10)));
  });

  it('GIVEN many normals THEN mean ≈ 0 and variance ≈ 1', () => {
    const v = new SeedRandom(3).normals(20000);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('SeedRandom', () => {
  it('GIVEN uniform() and int(n) THEN values stay in [0, 1) and [0, n)', () => {
    const r = new SeedRandom(1);
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('GIVEN a seed outside [0, 2^32) or fractional THEN it throws RangeError', () => {
    expect(() => new SeedRandom(-1)).toThrow(RangeError);
    expect(() => new SeedRandom(2 ** 32)).toThrow(RangeError);
    expect(() => new SeedRandom(1.5)).toThrow(RangeError);
  });
});
