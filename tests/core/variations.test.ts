import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGirl } from '../../src/core/generate.ts';
import { variations } from '../../src/core/variations.ts';
import { cellPixel, colourOf, decode, gridCells, near, sameArray, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

/** The shipped model's coded parts, lent to a tiny model (same z size, same tags). */
const shipped = JSON.parse(readFileSync('models/default/card.json', 'utf8')).training;
const codes = { factorCodes: shipped.factorCodes, drawCodes: shipped.drawCodes };

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
    expect(r.mode).toBe('sigma');
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

/** The indices where two z's differ. */
const changed = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (x, i) => (Object.is(x, b[i]) ? -1 : i)).filter((i) => i >= 0);

describe('variations of a girl of a model with coded parts (issue 31)', () => {
  let coded: TinyWorld;
  beforeAll(async () => {
    coded = await tinyWorld({ default: { training: codes }, other: false });
  });
  afterAll(() => coded.close());

  // The card's z numbers of each part (tools/dataset/sample-face.ts): hair z0 and head z5, eyes z1
  // and eyebrows z2, mouth z3 and nose z4; framing and colours are the draw codes z6…z27.
  const PART_Z = { outline: [0, 5], eyes: [1, 2], mouth: [3, 4], framing: Array.from({ length: 22 }, (_, i) => 6 + i) } as const;
  const WALK = ['outline', 'eyes', 'mouth', 'framing', 'outline', 'eyes', 'mouth', 'framing'] as const;
  const CAPTION = { outline: 'hair and face outline', eyes: 'eyes and brows', mouth: 'mouth and nose', framing: 'framing and colours' } as const;

  it('GIVEN no σ THEN each of the 8 variations redraws exactly one part, the parts in turn, and keeps every other number of her z', async () => {
    const girl = resolveGirl(coded.ctx, { seed: 71, tags: 'long_hair, smile, blonde_hair' });
    const r = await variations(coded.fake, { girl, count: 8, seed: 9 });
    expect(r.mode).toBe('codes');
    expect(r.sigma).toBeUndefined();
    expect(r.parts).toEqual(WALK);
    expect(r.girls).toHaveLength(9);
    expect(r.girls[0]).toBe(girl);
    r.girls.slice(1).forEach((v, k) => {
      const moved = changed(v.z, girl.z);
      expect(moved.length, `tile ${k + 2}`).toBeGreaterThan(0);
      expect(
        moved.every((i) => (PART_Z[WALK[k]!] as readonly number[]).includes(i)),
        `tile ${k + 2} moved z${moved.join(', z')}`,
      ).toBe(true);
      expect(sameArray(v.tags, girl.tags)).toBe(true);
    });
    // Two tiles of one part show two different looks of it.
    for (let k = 1; k <= 4; k++) expect(sameArray(r.girls[k]!.z, r.girls[k + 4]!.z)).toBe(false);
    // The captions name the part each tile redrew.
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(9, 16, { numbers: true, captions: ['original', ...WALK.map((p) => CAPTION[p])] });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!))).toBe(true));
  });

  it('GIVEN 11 variations THEN the walk goes round again from the hair', async () => {
    const girl = resolveGirl(coded.ctx, { seed: 72, tags: 'short_hair' });
    const r = await variations(coded.fake, { girl, count: 11, seed: 3 });
    expect(r.parts).toEqual([...WALK, 'outline', 'eyes', 'mouth']);
    expect(new Set(r.girls.map((g) => Array.from(g.z).join())).size).toBe(12);
  });

  it('GIVEN the same seed twice THEN the same picture; another seed THEN other looks of the same parts', async () => {
    const girl = resolveGirl(coded.ctx, { seed: 73, tags: 'smile' });
    const a = await variations(coded.ctx, { girl, count: 8, seed: 100 });
    const b = await variations(coded.ctx, { girl, count: 8, seed: 100 });
    expect(a.attachments[0]!.data.equals(b.attachments[0]!.data)).toBe(true);
    const c = await variations(coded.ctx, { girl, count: 8, seed: 101 });
    expect(c.parts).toEqual(a.parts);
    expect(c.girls.slice(1).some((g, i) => !sameArray(g.z, a.girls[i + 1]!.z))).toBe(true);
  });

  it('GIVEN σ explicitly THEN the old σ variations: every number of z moved, her norm kept', async () => {
    const girl = resolveGirl(coded.ctx, { seed: 74, tags: 'smile' });
    const r = await variations(coded.fake, { girl, count: 8, seed: 5, sigma: 0.35 });
    expect(r.mode).toBe('sigma');
    expect(r.sigma).toBe(0.35);
    expect(r.parts).toBeUndefined();
    for (const v of r.girls.slice(1)) {
      expect(changed(v.z, girl.z).length).toBeGreaterThan(90);
      expect(norm(v.z)).toBeCloseTo(norm(girl.z), 3);
    }
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(9, 16, { numbers: true, captions: ['original'] });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
  });
});
