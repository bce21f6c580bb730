/**
 * Issue 31, "256 px": card.json `sizes` links the models that draw the same girls at other
 * sizes. A size asked for draws a girl with her family's member of that size; she keeps her
 * own model id (share code, favourite). Bad links are refused when the models are read.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gacha } from '../../src/core/gacha.ts';
import { generate } from '../../src/core/generate.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { checkPictureSize, drawingModel, familySizes, modelsDrawingAt, pictureSizes } from '../../src/core/picture-size.ts';
import { readServedModels } from '../../src/gan/served-models.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';
import { decode, recording, userErrorOf } from './helpers.ts';

const FAMILY = { '16': 'small', '32': 'big' };

let dir: string;
let runtime: Runtime;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gff-sizes-'));
  const models = path.join(dir, 'models');
  // "small" answered to "small-old" before; "big" links to it by that former id.
  await makeTinyModel(path.join(models, 'small'), { id: 'small', seed: 1, formerIds: ['small-old'], sizes: FAMILY });
  await makeTinyModel(path.join(models, 'big'), { id: 'big', seed: 2, imageSize: 32, sizes: { '16': 'small-old', '32': 'big' } });
  await makeTinyModel(path.join(models, 'solo'), { id: 'solo', seed: 3 });
  await makeTinyModel(path.join(models, 'wide'), { id: 'wide', seed: 4, imageSize: 64, sizes: { '64': 'wide', '128': 'wide128-not-here' } });
  runtime = await startRuntime({ modelsDir: models, defaultModelId: 'small', workers: 0 });
});
afterAll(async () => {
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('picture sizes (card.json sizes)', () => {
  it('GIVEN a family of 16 and 32 px THEN each size of each member resolves to the member that draws it; former ids count', () => {
    const c = runtime.catalog;
    expect(drawingModel(c, 'small', { px: 32, strict: true }).id).toBe('big');
    expect(drawingModel(c, 'small-old', { px: 32, strict: true }).id).toBe('big');
    expect(drawingModel(c, 'big', { px: 16, strict: true }).id).toBe('small');
    expect(drawingModel(c, 'small', { px: 16, strict: true }).id).toBe('small');
    expect([...familySizes(c, c.get('big')!).keys()]).toEqual([16, 32]);
    // A linked model not served here is a size this folder lacks.
    expect([...familySizes(c, c.get('wide')!).keys()]).toEqual([64]);
    expect(pictureSizes(c)).toEqual([16, 32, 64]);
    expect(modelsDrawingAt(c, 32).sort()).toEqual(['big', 'small']);
  });

  it('GIVEN a size her model family lacks THEN strict: a clear error naming her sizes; lenient: her own model', async () => {
    const c = runtime.catalog;
    expect(await userErrorOf(() => drawingModel(c, 'solo', { px: 32, strict: true }), 'no_size')).toBe(
      "This girl's model (solo) draws 16 px pictures only, not 32 px.",
    );
    expect(await userErrorOf(() => drawingModel(c, 'big', { px: 64, strict: true }), 'no_size')).toBe(
      "This girl's model (big) draws 16, 32 px pictures only, not 64 px.",
    );
    expect(drawingModel(c, 'solo', { px: 32, strict: false }).id).toBe('solo');
    expect(await userErrorOf(() => drawingModel(c, 'small', { px: 300, strict: true }), 'bad_size')).toBe(
      'There is no 300 px picture size here: the models draw 16, 32, 64 px pictures.',
    );
    expect(await userErrorOf(() => checkPictureSize(c, 0), 'bad_size')).toMatch(/no 0 px picture size/);
  });

  it('GIVEN a gacha at 32 px THEN her sibling draws every tile at 32 px while the girls and their codes stay the 16 px model’s', async () => {
    const rec = recording(runtime.service);
    const ctx = { ...runtime.context(), generator: rec };
    const plain = await gacha(ctx, { seed: 5, count: 2, tags: 'smile' });
    const drawn16 = rec.log.map((e) => e.image);
    rec.log.length = 0;
    const big = await gacha({ ...ctx, pictureSize: async () => ({ px: 32, strict: false }) }, { seed: 5, count: 2, tags: 'smile' });
    expect(rec.log.map((e) => [e.request.modelId, e.image.width])).toEqual([
      ['big', 32],
      ['big', 32],
    ]);
    expect(drawn16.map((d) => d.width)).toEqual([16, 16]);
    expect(big.girls.map((g) => g.modelId)).toEqual(['small', 'small']);
    expect(big.girls.map(shareCodeOf)).toEqual(plain.girls.map(shareCodeOf));
  });

  it('GIVEN generate at 32 px THEN the picture is the 32 px drawing enlarged as a 32 px model’s; a girl with no 32 px sibling fails strictly, before drawing', async () => {
    const code = shareCodeOf((await gacha(runtime.context(), { seed: 9, count: 1 })).girls[0]!);
    const at16 = await decode((await generate(runtime.context(), { code })).attachments[0]!.data);
    const r = await generate(runtime.context(undefined, undefined, { px: 32, strict: true }), { code });
    const at32 = await decode(r.attachments[0]!.data);
    expect(at32.width).toBeGreaterThan(at16.width);
    expect(shareCodeOf(r.girls[0]!)).toBe(code);
    const rec = recording(runtime.service);
    const solo = shareCodeOf((await gacha({ ...runtime.context(), pictureSize: undefined }, { seed: 9, count: 1, modelId: 'solo' })).girls[0]!);
    await userErrorOf(generate({ ...runtime.context(), generator: rec, pictureSize: { px: 32, strict: true } }, { code: solo }), 'no_size');
    expect(rec.log).toEqual([]);
  });
});

describe('card.json sizes, checked when the models are read', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gff-sizes-bad-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  /** A folder with a (16 px) and b (32 px) whose cards say `a` and `b`; the error reading it, if any. */
  async function readPair(name: string, a: Record<string, string> | undefined, b: Record<string, string> | undefined, bOptions = {}): Promise<string> {
    const models = path.join(root, name);
    await makeTinyModel(path.join(models, 'a'), { id: 'a', seed: 1, ...(a ? { sizes: a } : {}) });
    await makeTinyModel(path.join(models, 'b'), { id: 'b', seed: 2, imageSize: 32, ...(b ? { sizes: b } : {}), ...bOptions });
    try {
      await readServedModels({ modelsRoot: models });
      return 'ok';
    } catch (e) {
      return (e as Error).message;
    }
  }

  it('GIVEN linked cards that agree THEN they load', async () => {
    expect(await readPair('good', { '16': 'a', '32': 'b' }, { '16': 'a', '32': 'b' })).toBe('ok');
  });

  it('GIVEN a card whose sizes leave out its own size, or name another model there THEN the card is refused, naming the field', async () => {
    expect(await readPair('own', { '32': 'b' }, undefined)).toMatch(
      /card\.json has a bad field "sizes": it must name this model \("a"\) at its own imageSize, "16"\./,
    );
    expect(await readPair('other', { '16': 'b' }, undefined)).toMatch(/field "sizes".*"16", not "b"/);
    expect(await readPair('key', { '16': 'a', '32px': 'b' }, undefined)).toMatch(/field "sizes\.32px".*size in px/);
  });

  it('GIVEN a link to a model of another size, other tags or without the link back THEN loading fails naming both folders and why', async () => {
    expect(await readPair('size', { '16': 'a', '64': 'b' }, { '16': 'a', '32': 'b' })).toMatch(
      /lists "b" as its 64 px size, but that model \(.*\/b\) draws 32 px pictures, not 64 px\./,
    );
    expect(await readPair('back', { '16': 'a', '32': 'b' }, undefined)).toMatch(/does not list "a" under "16" in its own card\.json sizes/);
    expect(await readPair('z', { '16': 'a', '32': 'b' }, { '16': 'a', '32': 'b' }, { zDim: 64 })).toMatch(/takes another z or other tags/);
  });

  it('GIVEN the bundled v3 families THEN each pair of cards links each other and loads together', async () => {
    const card = async (id: string) => JSON.parse(await readFile(path.join(import.meta.dirname, '../../models', id, 'card.json'), 'utf8'));
    const families = [
      { dirs: ['default', 'lorelei256-v3.1'], family: { '128': 'lorelei128-v3.1', '256': 'lorelei256-v3.1' } },
      { dirs: ['lorelei128-v3', 'lorelei256-v3'], family: { '128': 'lorelei128-v3', '256': 'lorelei256-v3' } },
      { dirs: ['lorelei128-v3.2', 'lorelei256-v3.2'], family: { '128': 'lorelei128-v3.2', '256': 'lorelei256-v3.2' } },
    ];
    // The default's own family, whichever model it is (an old default keeps its folder by its id).
    const byId = (id: string) => (id === defaultCard.id ? 'default' : id);
    const defaultCard = await card('default');
    for (const family of families) family.dirs = Object.values(family.family).map(byId);
    if (!families.some((f) => f.family['128'] === defaultCard.id)) {
      families.push({ dirs: Object.values(defaultCard.sizes as Record<string, string>).map(byId), family: defaultCard.sizes });
    }
    for (const { dirs, family } of families) {
      for (const dir of dirs) expect((await card(dir)).sizes).toEqual(family);
      const served = await readServedModels({ modelDirs: dirs.map((dir) => path.join(import.meta.dirname, '../../models', dir)) });
      expect([...served.models.keys()].sort()).toEqual(Object.values(family).sort());
    }
  });
});
