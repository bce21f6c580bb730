import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blend } from '../../src/core/blend.ts';
import { drawGirls } from '../../src/core/draw.ts';
import { resolveGirl } from '../../src/core/generate.ts';
import { requireModel } from '../../src/core/catalog.ts';
import { lerp } from '../../src/latent/interpolate.ts';
import { describeTags } from '../../src/core/girl.ts';
import { cellPixel, colourOf, decode, gridCells, near, recording, sameArray, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

let world: TinyWorld;

beforeAll(async () => {
  world = await tinyWorld();
});
afterAll(() => world.close());

const girlOf = (seed: number, tags = 'blonde_hair, smile') => resolveGirl(world.ctx, { seed, tags, randomFill: false });

describe('blend', () => {
  it('GIVEN 2 girls with the same tags THEN a strip of 7 whose ends are the two girls, pixel for pixel', async () => {
    const [a, b] = [girlOf(21), girlOf(22)];
    const rec = recording(world.runtime.service);
    const r = await blend({ ...world.ctx, generator: rec }, { girls: [a, b] });
    expect(r.girls).toHaveLength(7);
    const [drawnA, drawnB] = await drawGirls(world.ctx, [a, b]);
    expect(Buffer.from(rec.log[0]!.image.data).equals(Buffer.from(drawnA!.data))).toBe(true);
    expect(Buffer.from(rec.log[6]!.image.data).equals(Buffer.from(drawnB!.data))).toBe(true);
    expect(Buffer.from(rec.log[3]!.image.data).equals(Buffer.from(drawnA!.data))).toBe(false);
    for (const g of r.girls) expect(sameArray(g.tags, a.tags)).toBe(true);
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(7, 16, { columns: 7, captions: ['A'], title: 'A + B' });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
  });

  it('GIVEN 2 girls and 4 steps THEN the strip’s cells show A, two blends, B in that order', async () => {
    const [a, b] = [girlOf(23), girlOf(24)];
    const r = await blend(world.fake, { girls: [a, b], steps: 4 });
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(4, 16, { columns: 4, captions: ['A'], title: 'A + B' });
    expect(near(cellPixel(png, layout.cells[0]!), colourOf(a))).toBe(true);
    expect(near(cellPixel(png, layout.cells[3]!), colourOf(b))).toBe(true);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!))).toBe(true));
  });

  it('GIVEN a blonde and a blue-haired girl and no tags THEN each end is the girl as she is, tags and all, and the frames between move from one to the other (issue 30 item 4)', async () => {
    const vocab = requireModel(world.ctx.catalog).vocabulary;
    const [a, b] = [girlOf(25, 'blonde_hair, green_eyes, smile'), girlOf(26, 'blue_hair, red_eyes, frown')];
    const r = await blend(world.fake, { girls: [a, b], steps: 3 });
    expect(sameArray(r.girls[0]!.tags, a.tags)).toBe(true);
    expect(sameArray(r.girls[2]!.tags, b.tags)).toBe(true);
    expect(r.girls[1]!.tags[vocab.indexOf('blonde_hair')]).toBe(0.5);
    expect(r.girls[1]!.tags[vocab.indexOf('blue_hair')]).toBe(0.5);
    expect(r.namedTags).toEqual([]);
    expect(r.endTags.map((t) => describeTags(vocab, t))).toEqual(['blonde_hair, green_eyes, smile', 'blue_hair, red_eyes, frown']);
  });

  it('GIVEN tags: green_hair THEN every girl gets green hair and keeps her own eyes and mouth, and the result says so (issue 30 items 4, 5)', async () => {
    const vocab = requireModel(world.ctx.catalog).vocabulary;
    const [a, b] = [girlOf(25, 'red_hair, green_eyes, smile'), girlOf(26, 'blue_hair, red_eyes, frown')];
    const r = await blend(world.fake, { girls: [a, b], steps: 3, tags: 'green_hair' });
    expect(describeTags(vocab, r.girls[0]!.tags)).toBe('green_hair, green_eyes, smile');
    expect(describeTags(vocab, r.girls[2]!.tags)).toBe('green_hair, red_eyes, frown');
    expect(r.namedTags).toEqual(['green_hair']);
  });

  it('GIVEN 3 girls with their own tags THEN the corners wear their own tags (issue 30 item 4)', async () => {
    const [a, b, c] = [girlOf(31, 'blonde_hair'), girlOf(32, 'blue_hair'), girlOf(33, 'red_hair')];
    const r = await blend(world.fake, { girls: [a, b, c], steps: 3 });
    expect(sameArray(r.girls[0]!.tags, a.tags)).toBe(true);
    expect(sameArray(r.girls[2]!.tags, b.tags)).toBe(true);
    expect(sameArray(r.girls[6]!.tags, c.tags)).toBe(true);
    expect(sameArray(r.girls[8]!.tags, lerp(b.tags, c.tags, 0.5))).toBe(true);
  });

  it('GIVEN 3 girls THEN a 5 × 5 grid with A, B, C in three corners and the midpoint of B and C in the fourth', async () => {
    const [a, b, c] = [girlOf(31), girlOf(32), girlOf(33)];
    const r = await blend(world.fake, { girls: [a, b, c] });
    expect(r.girls).toHaveLength(25);
    expect(sameArray(r.girls[0]!.z, a.z)).toBe(true);
    expect(sameArray(r.girls[4]!.z, b.z)).toBe(true);
    expect(sameArray(r.girls[20]!.z, c.z)).toBe(true);
    expect(sameArray(r.girls[24]!.z, lerp(b.z, c.z, 0.5))).toBe(true);
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(25, 16, { columns: 5, title: 'A + B + C' });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    expect(near(cellPixel(png, layout.cells[0]!), colourOf(a))).toBe(true);
    expect(near(cellPixel(png, layout.cells[4]!), colourOf(b))).toBe(true);
    expect(near(cellPixel(png, layout.cells[20]!), colourOf(c))).toBe(true);
  });

  it('GIVEN 4 girls and side 3 THEN a 3 × 3 grid with the four girls in its corners', async () => {
    const girls = [girlOf(41), girlOf(42), girlOf(43), girlOf(44)];
    const r = await blend(world.fake, { girls, steps: 3 });
    expect(r.girls).toHaveLength(9);
    [0, 2, 6, 8].forEach((cell, i) => expect(sameArray(r.girls[cell]!.z, girls[i]!.z)).toBe(true));
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(9, 16, { columns: 3, title: 'A + B + C + D' });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    [0, 2, 6, 8].forEach((cell, i) => expect(near(cellPixel(png, layout.cells[cell]!), colourOf(girls[i]!))).toBe(true));
  });

  it('GIVEN girls of different models THEN a UserError saying they cannot be blended', async () => {
    const other = resolveGirl(world.ctx, { seed: 1, modelId: 'other' });
    const message = await userErrorOf(blend(world.fake, { girls: [girlOf(1), other] }), 'unknown_model');
    expect(message).toMatch(/different models/);
  });

  it.each([
    ['1 girl', 1, undefined],
    ['5 girls', 5, undefined],
    ['2 girls and 17 steps', 2, 17],
    ['3 girls and side 8', 3, 8],
    ['4 girls and side 1', 4, 1],
  ])('GIVEN %s THEN UserError bad_number', async (_what, n, steps) => {
    const girls = Array.from({ length: n }, (_, i) => girlOf(i));
    await userErrorOf(blend(world.fake, { girls, ...(steps !== undefined ? { steps } : {}) }), 'bad_number');
  });
});
