import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGirl } from '../../src/core/generate.ts';
import { variations } from '../../src/core/variations.ts';
import { cellPixel, colourOf, decode, gridCells, near, sameArray, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

let world: TinyWorld;

beforeAll(async () => {
  world = await tinyWorld({ other: false });
});
afterAll(() => world.close());

const norm = (z: ArrayLike<number>) => Math.hypot(...Array.from(z));

describe('variations', () => {
  it('GIVEN a girl and 8 variations THEN 9 numbered tiles, tile 1 her, tiles 2–9 her tags on nearby z of her norm', async () => {
    const girl = resolveGirl(world.ctx, { seed: 61, tags: 'purple_hair' });
    const r = await variations(world.fake, { girl, count: 8, seed: 5 });
    expect(r.girls).toHaveLength(9);
    expect(r.girls[0]).toBe(girl);
    for (const v of r.girls.slice(1)) {
      expect(sameArray(v.tags, girl.tags)).toBe(true);
      expect(v.modelId).toBe(girl.modelId);
      expect(sameArray(v.z, girl.z)).toBe(false);
      expect(norm(v.z)).toBeCloseTo(norm(girl.z), 3);
    }
    expect(r.sigma).toBe(0.35);
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(9, 16, { numbers: true, captions: ['original'] });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    expect(near(cellPixel(png, layout.cells[0]!), colourOf(girl))).toBe(true);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!))).toBe(true));
  });

  it('GIVEN the same noise seed twice THEN the same PNG bytes; another seed THEN other girls', async () => {
    const girl = resolveGirl(world.ctx, { seed: 62, tags: 'smile' });
    const a = await variations(world.ctx, { girl, count: 3, seed: 100 });
    const b = await variations(world.ctx, { girl, count: 3, seed: 100 });
    expect(a.attachments[0]!.data.equals(b.attachments[0]!.data)).toBe(true);
    const c = await variations(world.ctx, { girl, count: 3, seed: 101 });
    expect(sameArray(c.girls[1]!.z, a.girls[1]!.z)).toBe(false);
    expect(c.attachments[0]!.data.equals(a.attachments[0]!.data)).toBe(false);
  });

  it('GIVEN a smaller σ THEN variations stay closer to her', async () => {
    const girl = resolveGirl(world.ctx, { seed: 63 });
    const dist = (z: Float32Array) => Math.hypot(...Array.from(z, (v, i) => v - girl.z[i]!));
    const near_ = await variations(world.fake, { girl, count: 4, seed: 1, sigma: 0.1 });
    const far = await variations(world.fake, { girl, count: 4, seed: 1, sigma: 1 });
    for (let i = 1; i <= 4; i++) expect(dist(near_.girls[i]!.z)).toBeLessThan(dist(far.girls[i]!.z));
  });

  it.each([[{ count: 1 }], [{ count: 17 }], [{ sigma: 0 }], [{ sigma: 2 }]])('GIVEN %o THEN UserError bad_number', async (req) => {
    await userErrorOf(variations(world.fake, { girl: resolveGirl(world.ctx, { seed: 1 }), ...req }), 'bad_number');
  });
});
