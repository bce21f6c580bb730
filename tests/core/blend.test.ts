import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blend } from '../../src/core/blend.ts';
import { drawGirls } from '../../src/core/draw.ts';
import { resolveGirl } from '../../src/core/generate.ts';
import { requireModel } from '../../src/core/catalog.ts';
import { lerp } from '../../src/latent/interpolate.ts';
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
    const layout = gridCells(7, 16, { columns: 7, captions: ['A'] });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
  });

  it('GIVEN 2 girls and 4 steps THEN the strip’s cells show A, two blends, B in that order', async () => {
    const [a, b] = [girlOf(23), girlOf(24)];
    const r = await blend(world.fake, { girls: [a, b], steps: 4 });
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(4, 16, { columns: 4, captions: ['A'] });
    expect(near(cellPixel(png, layout.cells[0]!), colourOf(a))).toBe(true);
    expect(near(cellPixel(png, layout.cells[3]!), colourOf(b))).toBe(true);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!))).toBe(true));
  });

  it('GIVEN 2 girls with different tags and no tags THEN every frame wears the first girl’s tags; with tags THEN those', async () => {
    const [a, b] = [girlOf(25, 'red_hair'), girlOf(26, 'blue_hair')];
    const plain = await blend(world.fake, { girls: [a, b], steps: 3 });
    for (const g of plain.girls) expect(sameArray(g.tags, a.tags)).toBe(true);
    const dressed = await blend(world.fake, { girls: [a, b], steps: 3, tags: 'green_hair' });
    const green = requireModel(world.ctx.catalog).vocabulary.toVector(['green_hair']);
    for (const g of dressed.girls) expect(sameArray(g.tags, green)).toBe(true);
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
    const layout = gridCells(25, 16, { columns: 5 });
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
    const layout = gridCells(9, 16, { columns: 3 });
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
