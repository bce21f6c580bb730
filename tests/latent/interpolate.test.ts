import { describe, expect, it } from 'vitest';
import { bilinear, bilinearGrid, interpolateSteps, lerp, slerp, truncate, variations } from '../../src/latent/interpolate.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((a, b) => a + b * b, 0));

describe('latent math', () => {
  const a = seedToZ(1);
  const b = seedToZ(2);

  it('GIVEN lerp at t = 0, 0.5, 1 THEN a, the midpoint and b', () => {
    expect(lerp(a, b, 0)).toEqual(a);
    expect(lerp(a, b, 1)).toEqual(b);
    const mid = lerp(a, b, 0.5);
    expect(mid[3]).toBeCloseTo((a[3]! + b[3]!) / 2, 6);
  });

  it('GIVEN slerp THEN its endpoints are a and b exactly and its midpoint keeps a typical norm', () => {
    expect(slerp(a, b, 0)).toEqual(a);
    expect(slerp(a, b, 1)).toEqual(b);
    const mid = slerp(a, b, 0.5);
    const avg = (norm(a) + norm(b)) / 2;
    expect(norm(mid)).toBeGreaterThan(0.95 * avg); // lerp would shrink it to ≈ 0.71·avg
    expect(norm(lerp(a, b, 0.5))).toBeLessThan(0.85 * avg);
  });

  it('GIVEN parallel vectors THEN slerp falls back to lerp (no NaN)', () => {
    const twice = a.map((v) => v * 2);
    const s = slerp(a, twice, 0.25);
    expect(s.every(Number.isFinite)).toBe(true);
    expect(Array.from(s)).toEqual(Array.from(lerp(a, twice, 0.25)));
  });

  it('GIVEN 7 steps (default) THEN 7 vectors with both ends exactly a and b', () => {
    for (const kind of ['lerp', 'slerp'] as const) {
      const steps = interpolateSteps(a, b, undefined, kind);
      expect(steps).toHaveLength(7);
      expect(steps[0]).toEqual(a);
      expect(steps[6]).toEqual(b);
      expect(steps[3]).not.toEqual(a);
      steps[0]![0] = 99; // copies, not the inputs themselves
      expect(a[0]).not.toBe(99);
    }
    expect(() => interpolateSteps(a, b, 1)).toThrow(RangeError);
  });

  it('GIVEN four corners THEN bilinear returns each corner exactly at u, v ∈ {0, 1} and the mean at the centre', () => {
    const corners = [seedToZ(1), seedToZ(2), seedToZ(3), seedToZ(4)] as const;
    expect(bilinear(corners, 0, 0)).toEqual(corners[0]);
    expect(bilinear(corners, 1, 0)).toEqual(corners[1]);
    expect(bilinear(corners, 0, 1)).toEqual(corners[2]);
    expect(bilinear(corners, 1, 1)).toEqual(corners[3]);
    expect(bilinear(corners, 0.5, 0.5)[5]).toBeCloseTo(corners.reduce((s, c) => s + c[5]!, 0) / 4, 6);
    const grid = bilinearGrid(corners, 3, 4);
    expect(grid).toHaveLength(3);
    expect(grid[0]).toHaveLength(4);
    expect(grid[0]![0]).toEqual(corners[0]);
    expect(grid[0]![3]).toEqual(corners[1]);
    expect(grid[2]![0]).toEqual(corners[2]);
    expect(grid[2]![3]).toEqual(corners[3]);
  });

  it('GIVEN variations with one seed THEN they are deterministic, near z, and renormalised to |z|', () => {
    const z = seedToZ(9);
    const v1 = variations(z, 0.3, 4, 123);
    const v2 = variations(z, 0.3, 4, 123);
    expect(v1).toEqual(v2);
    expect(variations(z, 0.3, 4, 124)[0]).not.toEqual(v1[0]);
    for (const v of v1) {
      expect(norm(v)).toBeCloseTo(norm(z), 3);
      const d = norm(v.map((x, i) => x - z[i]!));
      expect(d).toBeGreaterThan(0.5);
      expect(d).toBeLessThan(0.6 * norm(z));
    }
    expect(v1[0]).not.toEqual(v1[1]);
  });

  it('GIVEN truncate THEN ψ = 1 is the identity and ψ = 0.5 halves z', () => {
    expect(truncate(a, 1)).toEqual(a);
    expect(truncate(a, 0.5)[2]).toBeCloseTo(a[2]! / 2, 7);
  });

  it('GIVEN vectors of different lengths THEN lerp/slerp throw RangeError', () => {
    expect(() => lerp(a, seedToZ(1, 10), 0.5)).toThrow(RangeError);
    expect(() => slerp(a, seedToZ(1, 10), 0.5)).toThrow(RangeError);
  });
});
