/**
 * `npm run demo` and `npm run gallery` on a tiny random model (the real one lives in
 * models/default once trained): what they write, that the gallery is reproducible, and one
 * clear line when the model is missing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let root: string;

function tool(name: 'demo' | 'gallery' | 'contact-sheet', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GFF_')));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `tools/${name}.ts`, ...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gff-tools-'));
  await makeTinyModel(path.join(root, 'models', 'tiny'), { seed: 4 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

const onTiny = (out: string) => ['--models-dir', path.join(root, 'models'), '--model', 'tiny', '--out', path.join(root, out)];

describe('demo', () => {
  it('GIVEN a model THEN a 9-girl gacha, a morph strip and WebP and a blend strip, each file listed', async () => {
    const r = await tool('demo', onTiny('demo'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = (await readdir(path.join(root, 'demo'))).sort();
    expect(files).toEqual(['demo-blend.png', 'demo-gacha.png', 'demo-morph.png', 'demo-morph.webp']);
    const wrote = lines(r.stdout).filter((l) => l.startsWith('wrote '));
    expect(wrote).toHaveLength(4);
    for (const f of files) expect(wrote.some((l) => l.includes(path.join(root, 'demo', f)))).toBe(true);
    expect(r.stdout).toMatch(/9 girls, seeds 2016–2024/);
    const webp = await sharp(await readFile(path.join(root, 'demo', 'demo-morph.webp'))).metadata();
    expect(webp.pages).toBe(12); // 7 frames there and 5 back
    const gacha = await sharp(await readFile(path.join(root, 'demo', 'demo-gacha.png'))).metadata();
    expect(gacha.width).toBe(4 + 3 * (32 + 4));
  });

  it('GIVEN no model where it looks THEN exit code 2 and one line saying where it looked', async () => {
    const r = await tool('demo', ['--models-dir', path.join(root, 'none'), '--out', path.join(root, 'never')]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringContaining(path.join(root, 'none', 'default'))]);
    expect(r.stdout).toBe('');
  });
});

describe('gallery', () => {
  it('GIVEN the same model twice THEN the same six files byte for byte, and markdown that shows each', async () => {
    const [a, b] = [await tool('gallery', onTiny('g1')), await tool('gallery', onTiny('g2'))];
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const names = ['blend.png', 'gacha.png', 'morph.png', 'morph.webp', 'restyle.png', 'variations.png'];
    expect((await readdir(path.join(root, 'g1'))).sort()).toEqual(names);
    for (const n of names) {
      const [x, y] = await Promise.all([readFile(path.join(root, 'g1', n)), readFile(path.join(root, 'g2', n))]);
      expect(x.equals(y), n).toBe(true);
    }
    const images = lines(a.stdout).filter((l) => l.startsWith('!['));
    expect(images).toHaveLength(6);
    for (const n of names) expect(images.some((l) => l.endsWith(`/g1/${n})`))).toBe(true);
    expect(a.stderr).toMatch(/test model with random weights/);
  });
});

describe('contact-sheet', () => {
  it('GIVEN two models THEN one sheet per tag set: a row of 8 seeds per model (smaller ones enlarged) above 8 real renders', async () => {
    await makeTinyModel(path.join(root, 'sheet-models', 'a'), { id: 'a', seed: 5, imageSize: 16 });
    await makeTinyModel(path.join(root, 'sheet-models', 'b'), { id: 'b', seed: 6, imageSize: 32 });
    const out = path.join(root, 'sheets');
    const r = await tool('contact-sheet', [path.join(root, 'sheet-models', 'a'), path.join(root, 'sheet-models', 'b'), '--out', out, '--size', '64']);
    expect(r.code, r.stderr).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['set1.webp', 'set2.webp', 'set3.webp', 'set4.webp', 'set5.webp']);
    const { data, info } = await sharp(await readFile(path.join(out, 'set1.webp')))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThan(8 * 64);
    // The real row's tiles are renders on a white background (set 1 asks for white_background):
    // the bottom-right tile's top-left corner is white, the models' random tiles are not.
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    expect(px(info.width - 64 + 2, info.height - 64 + 2)).toEqual([255, 255, 255]);
    expect(lines(r.stderr)).toHaveLength(5);
  });

  it("GIVEN one's own folder (--data, --sets) THEN the real row is the folder's own images with exactly that tag set", async () => {
    await makeTinyModel(path.join(root, 'own-models', 'mine'), { id: 'mine', seed: 7, imageSize: 16 });
    const data = path.join(root, 'own-art');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(data, 'images'), { recursive: true });
    // Red squares carry exactly "blonde_hair smile"; the blue one has a tag more, so it is not hers.
    const square = (r: number, g: number, b: number) =>
      sharp({ create: { width: 20, height: 30, channels: 3, background: { r, g, b } } })
        .png()
        .toBuffer();
    for (const [name, colour] of [
      ['a', [255, 0, 0]],
      ['b', [255, 0, 0]],
      ['c', [0, 0, 255]],
    ] as const) {
      await writeFile(path.join(data, 'images', `${name}.png`), await square(colour[0], colour[1], colour[2]));
    }
    await writeFile(
      path.join(data, 'tags.csv'),
      '\uFEFFimage,tags\r\nimages/a.png,blonde_hair smile\r\nimages/b.png,"Smile, Blonde Hair"\r\nimages/c.png,blonde_hair smile glasses\r\n',
    );
    const out = path.join(root, 'own-sheets');
    const r = await tool('contact-sheet', [path.join(root, 'own-models', 'mine'), '--out', out, '--size', '32', '--data', data, '--sets', 'blonde_hair smile']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['set1.webp']);
    const { data: px, info } = await sharp(await readFile(path.join(out, 'set1.webp')))
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The real row holds the two red tiles (32 × 32 each, cropped from 20 × 30), and the blue image
    // with a tag more is nowhere.
    let red = 0;
    let blue = 0;
    for (let i = 0; i < px.length; i += info.channels) {
      if (px[i] === 255 && px[i + 1] === 0 && px[i + 2] === 0) red++;
      if (px[i] === 0 && px[i + 1] === 0 && px[i + 2] === 255) blue++;
    }
    expect(red).toBe(2 * 32 * 32);
    expect(blue).toBeLessThan(32 * 32); // (a few of the random model's pixels may be pure blue)
    expect(r.stderr).toMatch(/own images/);
    const missing = await tool('contact-sheet', [path.join(root, 'own-models', 'mine'), '--out', out, '--data', data, '--sets', 'red_hair']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no image in .* has exactly the tags red_hair/);
  });

  it('GIVEN no model folder THEN exit code 2 and the usage', async () => {
    const r = await tool('contact-sheet', ['--out', path.join(root, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give at least one model folder/);
  });
});
