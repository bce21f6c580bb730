import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGirl } from '../../src/core/generate.ts';
import { restyle } from '../../src/core/restyle.ts';
import { requireModel } from '../../src/core/catalog.ts';
import { describeTags, seedGirl } from '../../src/core/girl.ts';
import { keepOwnInEmptySets } from '../../src/core/tags-input.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { labeledGridLayout } from '../../src/render/index.ts';
import { blankTiles, cellPixel, colourOf, decode, near, sameArray, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

let world: TinyWorld;

beforeAll(async () => {
  world = await tinyWorld();
});
afterAll(() => world.close());

const girlOf = (seed: number, tags = 'smile') => resolveGirl(world.ctx, { seed, tags, randomFill: false });

describe('restyle', () => {
  it('GIVEN 2 girls filled to 4 columns and 3 tag sets THEN a 3 × 4 table whose cell (row r, column c) is girl c with tag set r', async () => {
    const girls = [girlOf(10), girlOf(20)];
    const tagSets = ['blonde_hair', 'blue_hair, glasses', 'red_hair, ponytail'];
    world.fake.generator.requests.length = 0;
    const r = await restyle(world.fake, { girls, columns: 4, tagSets, seed: 900, keep: false });
    expect(r.girls).toHaveLength(12);
    const vocab = requireModel(world.ctx.catalog).vocabulary;
    // Columns: the two girls, then seeds base+2 and base+3 (seeds name columns by position).
    const columnZ = [girls[0]!.z, girls[1]!.z, seedToZ(902, 100), seedToZ(903, 100)];
    const model = requireModel(world.ctx.catalog);
    const own = [
      girls[0]!,
      girls[1]!,
      seedGirl(model, 902, new Float32Array(vocab.size), { randomFill: true }),
      seedGirl(model, 903, new Float32Array(vocab.size), { randomFill: true }),
    ];
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 4; col++) {
        const g = r.girls[row * 4 + col]!;
        expect(sameArray(g.z, columnZ[col]!), `z of ${row},${col}`).toBe(true);
        // Exactly the row, plus her own values in the required groups it leaves empty.
        const rowVector = vocab.toVector(tagSets[row]!.split(', '));
        expect(describeTags(vocab, g.tags)).toBe(describeTags(vocab, keepOwnInEmptySets(model, own[col]!.tags, rowVector)));
        for (const name of tagSets[row]!.split(', ')) expect(g.tags[vocab.indexOf(name)]).toBe(1);
      }
    }
    expect(r.girls[2]!.seed).toBe(902);

    const png = await decode(r.attachments[0]!.data);
    const rows = [0, 1, 2].map(() => blankTiles(4, 16));
    const layout = labeledGridLayout(rows, { rowLabels: tagSets, colLabels: ['seed 10', 'seed 20', 'seed 902', 'seed 903'] });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!)), `cell ${i}`).toBe(true));
  });

  it('GIVEN no seed THEN the random columns are consecutive seeds, different from one call to the next', async () => {
    const a = await restyle(world.fake, { girls: [girlOf(1)], columns: 3, tagSets: ['smile'] });
    const b = await restyle(world.fake, { girls: [girlOf(1)], columns: 3, tagSets: ['smile'] });
    const seedsA = a.girls.slice(1).map((g) => g.seed!);
    expect(seedsA[1]).toBe(seedsA[0]! + 1);
    expect(b.girls.slice(1).map((g) => g.seed)).not.toEqual(seedsA);
  });

  it('GIVEN a girl of the other model THEN the random columns come from her model', async () => {
    const other = resolveGirl(world.ctx, { seed: 4, tags: 'smile', modelId: 'other' });
    const r = await restyle(world.fake, { girls: [other], columns: 2, tagSets: ['smile'], seed: 50 });
    expect(r.girls.map((g) => g.modelId)).toEqual(['other', 'other']);
    expect(r.girls[1]!.z).toHaveLength(64);
  });

  it('GIVEN only a column count THEN all columns are random girls', async () => {
    const r = await restyle(world.fake, { girls: [], columns: 2, tagSets: ['smile', 'frown'], seed: 7 });
    expect(r.girls.map((g) => g.seed)).toEqual([7, 8, 7, 8]);
  });

  it.each([
    [{ tagSets: [] as string[] }, 'unknown_tags'],
    [{ tagSets: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }, 'bad_number'],
    [{ columns: 11 }, 'bad_number'],
    [{ columns: 2.5 }, 'bad_number'],
    [{ columns: 0, girls: [] }, 'bad_number'],
    [{ tagSets: ['smile', 'smiel'] }, 'unknown_tags'],
  ])('GIVEN %o THEN UserError %s', async (override, code) => {
    await userErrorOf(restyle(world.fake, { girls: [girlOf(1)], tagSets: ['smile'], ...override }), code);
  });

  it('GIVEN a blonde and the row smile THEN she stays blonde with a smile; keep false gives exactly the row (#10 item 9)', async () => {
    const vocab = requireModel(world.ctx.catalog).vocabulary;
    const blonde = girlOf(70, 'blonde_hair, blue_eyes, frown');
    const kept = await restyle(world.fake, { girls: [blonde], tagSets: ['smile', 'red_hair'] });
    expect(describeTags(vocab, kept.girls[0]!.tags)).toBe('blonde_hair, blue_eyes, smile');
    expect(describeTags(vocab, kept.girls[1]!.tags)).toBe('red_hair, blue_eyes, frown');
    // keep false drops her extras but never empties a required group (issue 30 item 5).
    const exact = await restyle(world.fake, { girls: [girlOf(70, 'blonde_hair, blue_eyes, frown, glasses')], tagSets: ['smile'], keep: false });
    expect(describeTags(vocab, exact.girls[0]!.tags)).toBe('blonde_hair, blue_eyes, smile');
  });

  it('GIVEN a 16 px girl beside a 32 px girl of another model THEN one table, each drawn by her own model at one tile size (issue 30 item 6)', async () => {
    const other = resolveGirl(world.ctx, { seed: 4, tags: 'smile', modelId: 'other' });
    const r = await restyle(world.fake, { girls: [girlOf(1), other], tagSets: ['smile'], seed: 5 });
    expect(r.girls.map((g) => g.modelId)).toEqual(['default', 'other']);
    const png = await decode(r.attachments[0]!.data);
    const layout = labeledGridLayout([blankTiles(2, 32)], { rowLabels: ['smile'], colLabels: ['seed 1', 'seed 4'], numbers: true });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!)), `cell ${i}`).toBe(true));
  });

  it('GIVEN columns 2 and three girls THEN two columns, the first two girls (issue 30 item 10)', async () => {
    const r = await restyle(world.fake, { girls: [girlOf(1), girlOf(2), girlOf(3)], columns: 2, tagSets: ['smile'] });
    expect(r.girls.map((g) => g.seed)).toEqual([1, 2]);
    expect(r.randomSeeds).toEqual([]);
  });
});
