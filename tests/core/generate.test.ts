import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gacha, gachaGirls } from '../../src/core/gacha.ts';
import { resolveTags } from '../../src/core/tags-input.ts';
import { generate, resolveGirl } from '../../src/core/generate.ts';
import { describeTags, girlFromCode, shareCodeOf } from '../../src/core/girl.ts';
import { requireModel } from '../../src/core/catalog.ts';
import { encodeShareCode } from '../../src/latent/share-code.ts';
import { roundToFloat16 } from '../../src/latent/float16.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { decode, recording, sameArray, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

let world: TinyWorld;

beforeAll(async () => {
  world = await tinyWorld();
});
afterAll(() => world.close());

/** A code with each of its characters valid but one changed in the middle. */
function damage(code: string): string {
  const i = Math.floor(code.length / 2);
  return code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
}

describe('generate and share codes', () => {
  it('GIVEN a gacha girl’s share code THEN the girl from the code draws exactly the pixels of her gacha tile', async () => {
    const rec = recording(world.runtime.service);
    const ctx = { ...world.ctx, generator: rec };
    const g = await gacha(ctx, { seed: 100, count: 25, tags: 'smile' });
    const tiles = rec.log.map((e) => e.image);
    for (const [i, girl] of g.girls.entries()) {
      rec.log.length = 0;
      const r = await generate(ctx, { code: shareCodeOf(girl) });
      expect(r.girls[0]!.modelId).toBe('default');
      expect(Buffer.from(rec.log[0]!.image.data).equals(Buffer.from(tiles[i]!.data)), `girl ${i + 1}`).toBe(true);
    }
  });

  it('GIVEN a girl and her code THEN the code gives back her model, her tags and her z to float16 precision', () => {
    const [girl] = [resolveGirl(world.ctx, { seed: 77, tags: 'pink_hair, twintails' })];
    const back = girlFromCode(world.ctx.catalog, shareCodeOf(girl!));
    expect(back.modelId).toBe('default');
    expect(sameArray(back.tags, girl!.tags)).toBe(true);
    expect(sameArray(back.z, Float32Array.from(girl!.z, roundToFloat16))).toBe(true);
  });

  it('GIVEN the same code twice THEN byte-identical PNGs', async () => {
    const code = shareCodeOf(resolveGirl(world.ctx, { seed: 5, tags: 'glasses' }));
    const [a, b] = [await generate(world.ctx, { code }), await generate(world.ctx, { code })];
    expect(a.attachments[0]!.data.equals(b.attachments[0]!.data)).toBe(true);
  });

  it('GIVEN a seed and tags THEN she is exactly gacha tile N of those tags (unnamed groups filled per seed), as /gacha seed:N draws her (#10 item 2)', async () => {
    for (const [seed, tags] of [
      [31, 'smile'],
      [1359, ''],
      [4_000_000_000, 'blonde_hair'],
    ] as const) {
      const girl = resolveGirl(world.ctx, { seed, tags });
      const tile = gachaGirls(world.ctx, { seed, count: 1, requested: resolveTags(requireModel(world.ctx.catalog), tags) }).girls[0]!;
      expect(sameArray(girl.z, tile.z), `z of ${seed}`).toBe(true);
      expect(sameArray(girl.tags, tile.tags), `tags of ${seed}`).toBe(true);
    }
    const vocab = requireModel(world.ctx.catalog).vocabulary;
    expect(describeTags(vocab, resolveGirl(world.ctx, { seed: 31, tags: 'smile' }).tags)).not.toBe('smile');
  });

  it('GIVEN a seed, tags and randomFill false THEN that seed’s z with exactly those tags, at 4× a 16 px model with a caption of the tags', async () => {
    const r = await generate(world.ctx, { seed: 31, tags: 'blue_hair, smile', randomFill: false });
    const girl = r.girls[0]!;
    expect(girl.seed).toBe(31);
    expect(sameArray(girl.z, seedToZ(31, 100))).toBe(true);
    const vocab = requireModel(world.ctx.catalog).vocabulary;
    expect(describeTags(vocab, girl.tags)).toBe('blue_hair, smile');
    expect(r.attachments[0]).toMatchObject({ name: 'girl.png', contentType: 'image/png' });
    const png = await decode(r.attachments[0]!.data);
    expect(png.width).toBe(4 + 64 + 4);
    expect(png.height).toBeGreaterThan(png.width); // the caption band
  });

  it('GIVEN a code and new tags THEN her z with the named groups replaced and the rest of her tags kept (issue 30 item 5)', () => {
    const girl = resolveGirl(world.ctx, { seed: 12, tags: 'red_hair, blue_eyes, ponytail, smile', randomFill: false });
    const restyled = resolveGirl(world.ctx, { code: shareCodeOf(girl), tags: 'white_hair, frown' });
    expect(describeTags(requireModel(world.ctx.catalog).vocabulary, restyled.tags)).toBe('white_hair, blue_eyes, ponytail, frown');
    expect(sameArray(restyled.z, Float32Array.from(girl.z, roundToFloat16))).toBe(true);
  });

  it('GIVEN a code of the other model (other z and tag widths) THEN that model draws her, at its own size', async () => {
    const girl = resolveGirl(world.ctx, { seed: 3, tags: 'smile', modelId: 'other' });
    expect(girl.z).toHaveLength(64);
    const r = await generate(world.ctx, { code: shareCodeOf(girl) });
    expect(r.girls[0]!.modelId).toBe('other');
    const png = await decode(r.attachments[0]!.data);
    expect(png.width).toBe(4 + 128 + 4); // 32 px model shown at 4×
  });

  it.each([
    ['a damaged character', (c: string) => damage(c)],
    ['a code cut short', (c: string) => c.slice(0, 40)],
    ['characters a code never has', (c: string) => `${c.slice(0, 20)}!?${c.slice(22)}`],
    ['a code with its last character changed', (c: string) => c.slice(0, -1) + (c.endsWith('A') ? 'B' : 'A')],
  ])('GIVEN %s THEN UserError bad_code', async (_what, spoil) => {
    const code = shareCodeOf(resolveGirl(world.ctx, { seed: 1, tags: 'smile' }));
    await userErrorOf(generate(world.ctx, { code: spoil(code) }), 'bad_code');
  });

  it('GIVEN a code of a model this catalog lacks, with the default’s widths THEN UserError unknown_model naming it', async () => {
    const code = encodeShareCode({ modelId: 'ghost', z: seedToZ(1, 100), tags: new Float32Array(48) });
    const message = await userErrorOf(generate(world.ctx, { code }), 'unknown_model');
    expect(message).toContain('ghost');
  });

  it('GIVEN a code of a model this catalog lacks, with other widths THEN UserError unknown_model, not bad_code', async () => {
    const code = encodeShareCode({ modelId: 'ghost', z: seedToZ(1, 32), tags: new Float32Array(20) });
    expect(await userErrorOf(generate(world.ctx, { code }), 'unknown_model')).toContain('ghost');
  });

  it('GIVEN neither code nor seed THEN UserError bad_code saying what to give', async () => {
    expect(await userErrorOf(generate(world.ctx, {}), 'bad_code')).toMatch(/code|seed/);
  });

  it('GIVEN an unknown tag with a seed or with a code THEN UserError unknown_tags', async () => {
    await userErrorOf(generate(world.ctx, { seed: 1, tags: 'smiel' }), 'unknown_tags');
    const code = shareCodeOf(resolveGirl(world.ctx, { seed: 1 }));
    await userErrorOf(generate(world.ctx, { code, tags: 'smiel' }), 'unknown_tags');
  });
});

describe('pasted codes and no random fill (issue 30 items 5, 9)', () => {
  it.each([
    ['backticks', (c: string) => `\`${c}\``],
    ['triple backticks and a line break', (c: string) => `\`\`\`\n${c}\n\`\`\``],
    ['quotes and spaces', (c: string) => `  "${c}" `],
    ['Japanese quotes', (c: string) => `「${c}」`],
    ['the whole reply line', (c: string) => `Share code: \`${c}\``],
    ['a studio link', (c: string) => `https://studio.example/#g=${c}`],
    ['angle brackets around a studio link', (c: string) => `<https://studio.example/app#g=${c}>`],
    ['a zero-width space', (c: string) => `${c.slice(0, 10)}\u200B${c.slice(10)}`],
  ])('GIVEN her code wrapped in %s THEN she is read back', (_what, wrap) => {
    const girl = resolveGirl(world.ctx, { seed: 21, tags: 'red_hair, smile' });
    const code = shareCodeOf(girl);
    expect(shareCodeOf(resolveGirl(world.ctx, { code: wrap(code) }))).toBe(code);
  });

  it('GIVEN a seed, tags and no random fill with typicalFill THEN no required group is empty: each gets its most common tag, whatever the seed', () => {
    const model = requireModel(world.ctx.catalog);
    const a = resolveGirl(world.ctx, { seed: 5, tags: 'smile', randomFill: false, typicalFill: true });
    const b = resolveGirl(world.ctx, { seed: 6, tags: 'smile', randomFill: false, typicalFill: true });
    expect(describeTags(model.vocabulary, a.tags)).toBe(describeTags(model.vocabulary, b.tags));
    for (const [set, names] of model.exclusiveSets) {
      expect(
        names.some((n) => a.tags[model.vocabulary.indexOf(n)]! > 0),
        set,
      ).toBe(true);
    }
  });
});
