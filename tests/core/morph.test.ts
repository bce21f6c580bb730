import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGirl } from '../../src/core/generate.ts';
import { morph } from '../../src/core/morph.ts';
import { drawGirls } from '../../src/core/draw.ts';
import { requireModel, type ModelEntry } from '../../src/core/catalog.ts';
import { frameOrder } from '../../src/render/index.ts';
import { cellPixel, colourOf, decode, gridCells, near, recording, sameArray, tinyWorld, userErrorOf, type TinyWorld } from './helpers.ts';

let world: TinyWorld;
let model: ModelEntry;

beforeAll(async () => {
  world = await tinyWorld({ other: false });
  model = requireModel(world.ctx.catalog);
});
afterAll(() => world.close());

const vec = (names: string[]) => model.vocabulary.toVector(names);

describe('morph', () => {
  it('GIVEN a morph to red_hair, smile THEN the groups not named keep her own values: hair colour and mouth are replaced, eyes, hairstyle and background kept (#10 item 9)', async () => {
    const girl = resolveGirl(world.ctx, { seed: 8, tags: 'blonde_hair, pink_eyes, ponytail, frown, glasses', randomFill: false });
    const r = await morph(world.fake, { girl, to: 'red_hair, smile', steps: 3 });
    expect(sameArray(r.to, vec(['red_hair', 'pink_eyes', 'ponytail', 'smile', 'glasses']))).toBe(true);
    expect(r.toNames).toEqual(['red_hair', 'smile']);
    // keep: false drops her extras (glasses) but never empties a required group: eyes and
    // hairstyle stay hers (issue 30 item 5).
    const exact = await morph(world.fake, { girl, to: 'red_hair, smile', steps: 3, keep: false });
    expect(sameArray(exact.to, vec(['red_hair', 'pink_eyes', 'ponytail', 'smile']))).toBe(true);
  });

  it('GIVEN from: blonde_hair on a girl with eyes, hairstyle and mouth THEN the start keeps her groups and only the hair colour changes (issue 30 item 5)', async () => {
    const girl = resolveGirl(world.ctx, { seed: 8, tags: 'red_hair, pink_eyes, ponytail, frown', randomFill: false });
    const r = await morph(world.fake, { girl, fromText: 'blonde_hair', to: 'black_hair', steps: 3 });
    expect(sameArray(r.from, vec(['blonde_hair', 'pink_eyes', 'ponytail', 'frown']))).toBe(true);
    expect(sameArray(r.to, vec(['black_hair', 'pink_eyes', 'ponytail', 'frown']))).toBe(true);
  });

  it('GIVEN 5 steps from blonde to red hair with a smile THEN frame 1 has the start tags, frame 5 exactly the target, the middle ones in between, all with her z', async () => {
    const girl = resolveGirl(world.ctx, { seed: 8, tags: 'blonde_hair', randomFill: false });
    const r = await morph(world.fake, { girl, to: 'red_hair, smile', steps: 5 });
    expect(r.girls).toHaveLength(5);
    const target = vec(['red_hair', 'smile']);
    expect(sameArray(r.girls[0]!.tags, vec(['blonde_hair']))).toBe(true);
    expect(sameArray(r.girls[4]!.tags, target)).toBe(true);
    expect(sameArray(r.to, target)).toBe(true);
    expect(r.toNames).toEqual(['red_hair', 'smile']);
    expect(sameArray(r.from, girl.tags)).toBe(true);
    const red = model.vocabulary.indexOf('red_hair');
    const blonde = model.vocabulary.indexOf('blonde_hair');
    expect(r.girls.map((g) => g.tags[red])).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(r.girls.map((g) => g.tags[blonde])).toEqual([1, 0.75, 0.5, 0.25, 0]);
    for (const g of r.girls) expect(sameArray(g.z, girl.z)).toBe(true);
  });

  it('GIVEN 5 steps THEN a one-row strip of the 5 frames in order and a looping WebP of 8 pages (there and back)', async () => {
    const girl = resolveGirl(world.ctx, { seed: 9, tags: 'black_hair', randomFill: false });
    const r = await morph(world.fake, { girl, to: 'white_hair', steps: 5 });
    expect(r.attachments.map((a) => [a.name, a.contentType])).toEqual([
      ['morph.png', 'image/png'],
      ['morph.webp', 'image/webp'],
    ]);
    const png = await decode(r.attachments[0]!.data);
    const layout = gridCells(5, 16, { columns: 5, captions: ['1/5'], title: 'black_hair → white_hair' });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    layout.cells.forEach((cell, i) => expect(near(cellPixel(png, cell), colourOf(r.girls[i]!)), `frame ${i + 1}`).toBe(true));
    const webp = await sharp(r.attachments[1]!.data).metadata();
    expect(webp.format).toBe('webp');
    expect(webp.pages).toBe(frameOrder(5, true).length);
    expect(webp.pages).toBe(8);
  });

  it('GIVEN a second morph from the first one’s target THEN it starts exactly where the first ended', async () => {
    const girl = resolveGirl(world.ctx, { seed: 10, tags: 'pink_hair' });
    const first = await morph(world.fake, { girl, to: 'blue_hair', steps: 3, animation: false });
    const second = await morph(world.fake, { girl, from: first.to, to: 'green_hair, smile', steps: 3, animation: false });
    expect(sameArray(second.girls[0]!.tags, first.girls[2]!.tags)).toBe(true);
    expect(first.attachments).toHaveLength(1);
  });

  it('GIVEN the real model THEN the first frame draws the girl with the start tags and the last the girl with the target tags', async () => {
    const rec = recording(world.runtime.service);
    const ctx = { ...world.ctx, generator: rec };
    const girl = resolveGirl(world.ctx, { seed: 11, tags: 'silver_hair', randomFill: false });
    await morph(ctx, { girl, to: 'aqua_hair, frown', steps: 4, animation: false, keep: false });
    const frames = rec.log.map((e) => Buffer.from(e.image.data));
    rec.log.length = 0;
    const ends = await drawGirls(world.ctx, [girl, { ...girl, tags: vec(['aqua_hair', 'frown']) }]);
    expect(frames[0]!.equals(Buffer.from(ends[0]!.data))).toBe(true);
    expect(frames[3]!.equals(Buffer.from(ends[1]!.data))).toBe(true);
    expect(frames[1]!.equals(frames[0]!)).toBe(false);
  });

  it('GIVEN animation "gif" THEN the animation is an animated GIF', async () => {
    const girl = resolveGirl(world.ctx, { seed: 12, tags: 'smile' });
    const r = await morph(world.fake, { girl, to: 'frown', steps: 3, animation: 'gif' });
    expect(r.attachments[1]).toMatchObject({ name: 'morph.gif', contentType: 'image/gif' });
    expect((await sharp(r.attachments[1]!.data).metadata()).pages).toBe(frameOrder(3, true).length);
  });

  it.each([[1], [17], [2.5]])('GIVEN %d steps THEN UserError bad_number', async (steps) => {
    await userErrorOf(morph(world.fake, { girl: resolveGirl(world.ctx, { seed: 1 }), to: 'smile', steps }), 'bad_number');
  });

  it('GIVEN an unknown target tag THEN UserError unknown_tags with a suggestion', async () => {
    const message = await userErrorOf(morph(world.fake, { girl: resolveGirl(world.ctx, { seed: 1 }), to: 'red_hiar' }), 'unknown_tags');
    expect(message).toContain('red_hair');
  });

  it('GIVEN a morph THEN the animated WebP is at least 256 × 256, whatever the model size (#10 item 10)', async () => {
    const girl = resolveGirl(world.ctx, { seed: 13, tags: 'smile', randomFill: false });
    const r = await morph(world.fake, { girl, to: 'frown', steps: 3 });
    const meta = await sharp(r.attachments[1]!.data, { animated: true }).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.width).toBeGreaterThanOrEqual(256);
    expect(meta.pageHeight).toBeGreaterThanOrEqual(256);
  });
});
