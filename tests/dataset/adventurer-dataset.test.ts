/**
 * `npm run dataset -- --style adventurer` (issue 34): a tagged stand-in set in DiceBear's
 * adventurer style. Its tags.csv and vocab.json say what the pictures show — read back from the
 * pixels of the PNGs it wrote — it has no codes (factors.csv, draws.csv, masks), lorelei's flags
 * are refused for it, and training/dataset.py loads it with its three exclusive sets.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';
import { runProcess } from '../../testkit/run-process.ts';
import { ADVENTURER_VOCABULARY, BACKGROUNDS, HAIR_COLORS, HAIR_LENGTHS, MOUTHS_SMILE } from '../../tools/dataset/adventurer-mapping.ts';
import { renderFacePng } from '../../tools/dataset/render-face.ts';
import { sampleAdventurerFace } from '../../tools/dataset/sample-adventurer.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COUNT = 12;
const SIZE = 64;
const SEED = 5;

function tool(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'tools/make-dataset.ts', ...args], { cwd: REPO, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const pixels = async (png: Buffer | string) => sharp(png).removeAlpha().raw().toBuffer();
const rgb = (hex: string) => [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const render = (options: Record<string, unknown>) => renderFacePng(options, SIZE, 'adventurer');
/** Pixels whose colour differs between two renders by more than a line's antialiasing. */
function changed(a: Buffer, b: Buffer): number[] {
  const out: number[] = [];
  for (let p = 0; p < SIZE * SIZE; p++) {
    if (Math.abs(a[p * 3]! - b[p * 3]!) + Math.abs(a[p * 3 + 1]! - b[p * 3 + 1]!) + Math.abs(a[p * 3 + 2]! - b[p * 3 + 2]!) > 60) out.push(p);
  }
  return out;
}

let dir: string;
let rows: { image: string; tags: string[] }[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gff-adventurer-'));
  const r = await tool(['--style', 'adventurer', '--out', dir, '--count', String(COUNT), '--size', String(SIZE), '--seed', String(SEED), '--workers', '1']);
  expect(r.code, r.stderr).toBe(0);
  const lines = (await readFile(path.join(dir, 'tags.csv'), 'utf8')).trimEnd().split('\n');
  expect(lines[0]).toBe('image,tags');
  rows = lines.slice(1).map((line) => {
    const [image, tags] = line.split(',');
    return { image: image!, tags: tags!.split(' ') };
  });
}, 130_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm run dataset -- --style adventurer', () => {
  it('GIVEN a small set THEN tags.csv, vocab.json with the exclusive sets, meta.json naming the licence, and no codes', async () => {
    expect(rows.map((r) => r.image)).toEqual(Array.from({ length: COUNT }, (_, i) => `images/${String(i).padStart(6, '0')}.png`));
    const vocab = JSON.parse(await readFile(path.join(dir, 'vocab.json'), 'utf8')) as { name: string; exclusive?: string }[];
    expect(vocab).toEqual(ADVENTURER_VOCABULARY);
    expect(vocab).toHaveLength(14);
    const sets: Record<string, string[]> = {};
    for (const t of vocab) if (t.exclusive) sets[t.exclusive] = [...(sets[t.exclusive] ?? []), t.name];
    expect(sets).toEqual({ hair_color: Object.keys(HAIR_COLORS), hairstyle: ['long_hair', 'short_hair'], background: Object.keys(BACKGROUNDS) });
    const names = new Set(vocab.map((t) => t.name));
    for (const { tags } of rows) {
      for (const t of tags) expect(names.has(t), t).toBe(true);
      for (const members of Object.values(sets)) expect(tags.filter((t) => members.includes(t))).toHaveLength(1);
    }
    // Each image its own draw: no two rows share every option.
    expect(new Set(rows.map((_, i) => JSON.stringify(sampleAdventurerFace(SEED, i).options))).size).toBe(COUNT);
    const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ source: 'DiceBear adventurer (CC BY 4.0, Lisa Wischofsky)', style: 'adventurer', count: COUNT, size: SIZE, seed: SEED });
    expect(meta.source).not.toContain('lorelei'); // the evaluator renders matched lorelei faces only for lorelei models
    for (const file of ['factors.csv', 'draws.csv', 'masks']) expect(existsSync(path.join(dir, file)), file).toBe(false);
  });

  it('GIVEN each PNG THEN its tags are what its pixels show: hair colour and length, background, glasses, blush, smile', async () => {
    for (const [i, { image, tags }] of rows.entries()) {
      const face = sampleAdventurerFace(SEED, i);
      expect(tags).toEqual(face.tags);
      const png = await pixels(path.join(dir, image));
      expect(png.equals(await pixels(await render(face.options))), image).toBe(true);

      // Background: the commonest colour on the picture's edge.
      const edge = new Map<string, number>();
      for (let k = 0; k < SIZE; k++) {
        for (const p of [k, (SIZE - 1) * SIZE + k, k * SIZE, k * SIZE + SIZE - 1]) {
          const key = [png[p * 3], png[p * 3 + 1], png[p * 3 + 2]].join(',');
          edge.set(key, (edge.get(key) ?? 0) + 1);
        }
      }
      const commonest = [...edge.entries()]
        .sort((a, b) => b[1] - a[1])[0]![0]
        .split(',')
        .map(Number);
      const background = Object.entries(BACKGROUNDS).sort((a, b) => distance(rgb(a[1]), commonest) - distance(rgb(b[1]), commonest))[0]![0];
      expect(background, image).toBe(tags.find((t) => t.endsWith('_background')));

      // Hair: the pixels that turn green when the hair colour is green are the hair; their mean
      // colour is nearest the tagged colour, and long hair reaches the picture's lowest 30%.
      const green = await pixels(await render({ ...face.options, hairColor: ['00ff00'] }));
      const hair = changed(png, green).filter((p) => distance([green[p * 3]!, green[p * 3 + 1]!, green[p * 3 + 2]!], [0, 255, 0]) < 20);
      expect(hair.length, image).toBeGreaterThan(300);
      const mean = [0, 1, 2].map((c) => hair.reduce((s, p) => s + png[p * 3 + c]!, 0) / hair.length);
      const nearest = Object.entries(HAIR_COLORS)
        .flatMap(([tag, hexes]) => hexes.map((hex) => [tag, distance(rgb(hex), mean)] as const))
        .sort((a, b) => a[1] - b[1])[0]![0];
      expect(nearest, image).toBe(tags.find((t) => t in HAIR_COLORS));
      const low = hair.filter((p) => Math.floor(p / SIZE) >= 0.7 * SIZE).length;
      expect(low > 80 ? 'long_hair' : 'short_hair', `${image}: ${low} hair pixels low down`).toBe(tags.find((t) => t in HAIR_LENGTHS));

      // Glasses: taking them away changes the picture exactly when they are tagged.
      const bare = await pixels(await render({ ...face.options, glassesProbability: 0 }));
      expect(changed(png, bare).length > 20, image).toBe(tags.includes('glasses'));
      // Blush: asking for it changes nothing exactly when it is tagged.
      const blush = await pixels(await render({ ...face.options, features: ['blush'], featuresProbability: 100 }));
      expect(changed(png, blush).length === 0, image).toBe(tags.includes('blush'));
      expect(MOUTHS_SMILE.includes((face.options.mouth as string[])[0]!), image).toBe(tags.includes('smile'));
    }
    // The small set shows both sides of each standalone tag (seed 5 was chosen as one that does).
    for (const t of ['glasses', 'smile', 'blush', 'long_hair', 'short_hair']) {
      expect(
        rows.some((r) => r.tags.includes(t)),
        t,
      ).toBe(true);
      expect(
        rows.some((r) => !r.tags.includes(t)),
        t,
      ).toBe(true);
    }
  });

  it('GIVEN --masks or --look with adventurer THEN a clear refusal and nothing written', async () => {
    const out = path.join(dir, 'refused');
    const masks = await tool(['--style', 'adventurer', '--out', out, '--count', '2', '--masks']);
    expect(masks.code).not.toBe(0);
    expect(masks.stderr).toMatch(/--masks is lorelei's .*--style adventurer renders images and tags only/);
    const look = await tool(['--style', 'adventurer', '--out', out, '--count', '2', '--look', 'girls']);
    expect(look.code).not.toBe(0);
    expect(look.stderr).toMatch(/--look picks lorelei's variants/);
    const style = await tool(['--style', 'avataaars', '--out', out, '--count', '2']);
    expect(style.stderr).toMatch(/must be lorelei or adventurer/);
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!hasTorch())('the adventurer set in training/dataset.py', () => {
  it('GIVEN the folder THEN TaggedImages loads every image with the 14 tags and the three sets of vocab.json', async () => {
    const script = [
      'import json, sys',
      'from training.dataset import TaggedImages',
      'd = TaggedImages(sys.argv[1], 64, 64, log=None)',
      'print(json.dumps({"n": len(d), "shape": list(d.images.shape), "vocab": [[v["name"], v.get("exclusive")] for v in d.vocab],',
      '                  "tags": d.tags.sum(0).tolist()}))',
    ].join('\n');
    const r = await runProcess(pythonExecutable(), ['-c', script, dir], {
      cwd: REPO,
      env: { ...process.env, GFF_CACHE_DIR: path.join(dir, 'cache'), OMP_NUM_THREADS: '1' },
      timeoutMs: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const loaded = JSON.parse(r.stdout) as { n: number; shape: number[]; vocab: [string, string | null][]; tags: number[] };
    expect(loaded.n).toBe(COUNT);
    expect(loaded.shape).toEqual([COUNT, 3, SIZE, SIZE]);
    // vocab.json's order and sets; a tag no image of the small set has is left out, as for any folder.
    const present = ADVENTURER_VOCABULARY.filter((t) => rows.some((r) => r.tags.includes(t.name)));
    expect(loaded.vocab).toEqual(present.map((t) => [t.name, t.exclusive ?? null]));
    expect(loaded.tags).toEqual(present.map((t) => rows.filter((r) => r.tags.includes(t.name)).length));
  }, 130_000);
});
