import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gacha, gachaGirls } from '../../src/core/gacha.ts';
import { requireModel, type ModelEntry } from '../../src/core/catalog.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { BACKGROUND } from '../../src/render/style.ts';
import { cellPixel, colourOf, decode, gridCells, near, sameArray, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

let world: TinyWorld;
let model: ModelEntry;

beforeAll(async () => {
  world = await tinyWorld();
  model = requireModel(world.ctx.catalog);
});
afterAll(() => world.close());

const on = (tags: Float32Array) => model.vocabulary.namesOf(tags, 0.5);

describe('gacha', () => {
  it('GIVEN 9 girls from seed 42 THEN a 3 × 3 grid of numbered tiles for seeds 42…50', async () => {
    const r = await gacha(world.ctx, { seed: 42, count: 9, tags: 'smile' });
    expect(r.seeds).toEqual([42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(r.girls.map((g) => g.seed)).toEqual(r.seeds);
    r.girls.forEach((g) => {
      expect(g.modelId).toBe('default');
      expect(sameArray(g.z, seedToZ(g.seed!, 100))).toBe(true);
    });
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]).toMatchObject({ name: 'gacha.png', contentType: 'image/png' });
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(9, 16, { numbers: true, title: 'seeds 42–50 · smile' });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    // 3 columns of 2× tiles (16 → 32 px) with 4 px gutters.
    expect(png.width).toBe(4 + 3 * (32 + 4));
  });

  it('GIVEN 7 girls THEN each of the 7 cells shows its own girl, in seed order, and the last row has 2 empty cells', async () => {
    world.fake.generator.requests.length = 0;
    const r = await gacha(world.fake, { seed: 1000, count: 7 });
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(7, 16, { numbers: true, title: 'seeds 1000–1006' });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    const drawn = world.fake.generator.requests;
    expect(drawn).toHaveLength(7);
    layout.cells.forEach((cell, i) => {
      expect(near(cellPixel(png, cell), colourOf(drawn[i]!)), `tile ${i + 1}`).toBe(true);
      expect(colourOf(drawn[i]!)).toEqual(colourOf(r.girls[i]!));
    });
    // Where tiles 8 and 9 would be: only the background.
    const bg: [number, number, number] = [BACKGROUND.r, BACKGROUND.g, BACKGROUND.b];
    const full = gridCells(9, 16, { numbers: true, title: 'seeds 1000–1006' });
    for (const cell of full.cells.slice(7)) expect(near(cellPixel(png, cell), bg)).toBe(true);
  });

  it('GIVEN the same seed and tags twice THEN identical PNG bytes; another seed THEN other pixels', async () => {
    const a = await gacha(world.ctx, { seed: 7, count: 4, tags: 'blonde_hair, glasses' });
    const b = await gacha(world.ctx, { seed: 7, count: 4, tags: 'blonde_hair, glasses' });
    expect(a.attachments[0]!.data.equals(b.attachments[0]!.data)).toBe(true);
    const c = await gacha(world.ctx, { seed: 8, count: 4, tags: 'blonde_hair, glasses' });
    const [pa, pc] = await Promise.all([decode(a.attachments[0]!.data), decode(c.attachments[0]!.data)]);
    expect(pa.data.equals(pc.data)).toBe(false);
  });

  it('GIVEN a misspelt tag THEN UserError unknown_tags whose message suggests the right one', async () => {
    const message = await userErrorOf(gacha(world.ctx, { seed: 1, tags: 'blond_hare, smile' }), 'unknown_tags');
    expect(message).toContain('blond_hare');
    expect(message).toContain('blonde_hair');
  });

  it('GIVEN a Japanese tag THEN it is read as its Danbooru name', () => {
    const plan = gachaGirls(world.ctx, { seed: 3, count: 1, tags: '金髪、笑顔' });
    expect(plan.requested.names).toEqual(['blonde_hair', 'smile']);
  });

  it('GIVEN a hair colour and a hairstyle named THEN random fill adds exactly one tag to each other empty exclusive set, none to those, and at most a skin tone', () => {
    const plan = gachaGirls(world.ctx, { seed: 500, count: 25, tags: 'red_hair, ponytail, glasses' });
    const sets = [...model.exclusiveSets.entries()];
    expect(sets.map(([name]) => name).sort()).toEqual(['background', 'eye_color', 'hair_color', 'hairstyle', 'mouth']);
    for (const girl of plan.girls) {
      const names = on(girl.tags);
      for (const [set, members] of sets) {
        const chosen = members.filter((m) => names.includes(m));
        if (set === 'hair_color') expect(chosen).toEqual(['red_hair']);
        else if (set === 'hairstyle') expect(chosen).toEqual(['ponytail']);
        else expect(chosen, `${set} of seed ${girl.seed}`).toHaveLength(1);
      }
      // Tags outside every set are never added: only the named glasses, and at most one skin tone (an optional set).
      const inSets = new Set(sets.flatMap(([, m]) => m));
      const tones = [...model.optionalSets.values()].flat();
      expect(tones).toEqual(['pale_skin', 'tan', 'dark_skin']);
      expect(names.filter((n) => !inSets.has(n) && !tones.includes(n))).toEqual(['glasses']);
      expect(names.filter((n) => tones.includes(n)).length).toBeLessThanOrEqual(1);
      expect(Array.from(girl.tags).every((v) => v === 0 || v === 1)).toBe(true);
    }
    // A fill that varies from girl to girl, the same for the same seed.
    const eyes = new Set(plan.girls.map((g) => on(g.tags).find((n) => n.endsWith('_eyes'))));
    expect(eyes.size).toBeGreaterThanOrEqual(3);
    const skins = new Set(plan.girls.map((g) => on(g.tags).find((n) => ['pale_skin', 'tan', 'dark_skin'].includes(n)) ?? 'default'));
    expect(skins.size).toBeGreaterThanOrEqual(3);
    const again = gachaGirls(world.ctx, { seed: 500, count: 25, tags: 'red_hair, ponytail, glasses' });
    again.girls.forEach((g, i) => expect(sameArray(g.tags, plan.girls[i]!.tags)).toBe(true));
  });

  it('GIVEN random fill off THEN every girl carries exactly the requested tags', () => {
    const plan = gachaGirls(world.ctx, { seed: 9, count: 3, tags: 'smile', randomFill: false });
    for (const g of plan.girls) expect(on(g.tags)).toEqual(['smile']);
  });

  it('GIVEN no seed THEN a random first seed with consecutive seeds that stay below 2^32', () => {
    const plan = gachaGirls(world.ctx, { count: 25 });
    const base = plan.seeds[0]!;
    expect(plan.seeds).toEqual(Array.from({ length: 25 }, (_, i) => base + i));
    expect(plan.seeds[24]!).toBeLessThanOrEqual(0xffffffff);
  });

  it('GIVEN ψ = 0.5 THEN every z is half its seed’s z', () => {
    const plan = gachaGirls(world.ctx, { seed: 11, count: 2, psi: 0.5 });
    plan.girls.forEach((g) => {
      const full = seedToZ(g.seed!, 100);
      expect(Array.from(g.z)).toEqual(Array.from(full, (v) => Math.fround(0.5 * v)));
    });
  });

  it.each([
    [{ count: 0 }, 'number of girls'],
    [{ count: 26 }, 'number of girls'],
    [{ count: 2.5 }, 'number of girls'],
    [{ seed: -1 }, 'seed'],
    [{ seed: 2 ** 32 }, 'seed'],
    [{ psi: 0.1 }, 'ψ'],
  ])('GIVEN %o THEN UserError bad_number naming the field', async (req, field) => {
    expect(await userErrorOf(gacha(world.ctx, { seed: 1, ...req }), 'bad_number')).toContain(field);
  });

  it('GIVEN a model id the catalog lacks THEN UserError unknown_model listing the models', async () => {
    const message = await userErrorOf(gacha(world.ctx, { seed: 1, modelId: 'nope' }), 'unknown_model');
    expect(message).toContain('default');
    expect(message).toContain('other');
  });

  it('GIVEN an upload limit no picture fits THEN UserError too_large', async () => {
    await userErrorOf(gacha({ ...world.ctx, attachmentLimitBytes: 200 }, { seed: 1, count: 4 }), 'too_large');
  });
});
