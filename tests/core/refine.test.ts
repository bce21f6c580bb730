import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGirl } from '../../src/core/generate.ts';
import { refine } from '../../src/core/refine.ts';
import { roundToFloat16 } from '../../src/latent/float16.ts';
import { cellPixel, colourOf, decode, gridCells, near, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

let world: TinyWorld;

beforeAll(async () => {
  world = await tinyWorld({ other: false });
});
afterAll(() => world.close());

describe('refine (one round, drawn)', () => {
  it('GIVEN a girl of a model without codes THEN 9 numbered tiles in 3 columns, tile 1 she as she is, the others her tags on other z', async () => {
    const girl = resolveGirl(world.ctx, { seed: 8, tags: 'smile' });
    const r = await refine(world.fake, { girl, round: 2, noiseSeed: 3 });
    expect(r).toMatchObject({ round: 2, part: 'eyes', mode: 'sigma', sigma: 0.35, noiseSeed: 3 });
    expect(r.girls).toHaveLength(9);
    expect(r.girls[0]!.z).toEqual(Float32Array.from(girl.z, roundToFloat16));
    for (const g of r.girls.slice(1)) expect(g.z).not.toEqual(r.girls[0]!.z);
    for (const g of r.girls) expect(g.tags).toBe(girl.tags);
    expect(r.attachments[0]!.name).toBe('refine.png');
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(9, 16, { numbers: true, columns: 3, title: 'round 2/4: variations, σ 0.35', captions: ['as she is', ...Array(8).fill('')] });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!))).toBe(true));
  });

  it('GIVEN a round outside 1–4 THEN a UserError naming the range', async () => {
    const girl = resolveGirl(world.ctx, { seed: 8 });
    expect(await userErrorOf(refine(world.fake, { girl, round: 5 }), 'bad_number')).toMatch(/from 1 to 4 \(got 5\)/);
  });
});
