/**
 * The `gff` command as a user runs it: a child process per call (about a second each, so
 * few of them), on a models folder holding one tiny random model.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridLayout } from '../../src/render/index.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';
import { blankTiles } from '../core/helpers.ts';
import { encodeShareCode } from '../../src/latent/share-code.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';

const GFF = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/gff.js');

let root: string;
let models: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs gff in `root` with the tiny models folder (unless `bare`), GFF_* variables cleared. */
function gff(args: string[], opts: { bare?: boolean } = {}): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GFF_')));
  const all = opts.bare ? args : [...args, '--models-dir', models, '--workers', '0'];
  return new Promise((resolve) => {
    execFile(process.execPath, [GFF, ...all], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gff-cli-'));
  models = path.join(root, 'models');
  // Not called "default": the CLI must take a folder's only model without --model.
  await makeTinyModel(path.join(models, 'tiny'), { seed: 3 });
  // A models folder whose model.json is damaged.
  const broken = path.join(root, 'broken', 'default');
  await mkdir(broken, { recursive: true });
  for (const f of ['card.json', 'tags.json', 'weights.bin']) await copyFile(path.join(models, 'tiny', f), path.join(broken, f));
  await writeFile(path.join(broken, 'model.json'), '{"format": "layers-model", "modelTopology": ');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('gff', () => {
  let codes: string[] = [];

  it('GIVEN gacha -n 4 --seed 42 THEN a 2 × 2 PNG and one line per tile with its seed, tags and share code', async () => {
    const r = await gff(['gacha', '-n', '4', '--seed', '42', '-t', 'blonde_hair, smile', '-o', 'out/gacha.png']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const tiles = lines(r.stdout).filter((l) => l.startsWith('#'));
    expect(tiles).toHaveLength(4);
    tiles.forEach((l, i) => {
      expect(l).toMatch(new RegExp(`^#${i + 1} seed ${42 + i} \\[blonde_hair, .*smile.*\\] code [A-Za-z0-9_-]{40,}$`));
    });
    codes = tiles.map((l) => l.split(' code ')[1]!);
    expect(lines(r.stdout)[0]).toMatch(/^wrote out\/gacha\.png \(\d+\.\d KiB\)$/);
    const meta = await sharp(await readFile(path.join(root, 'out/gacha.png'))).metadata();
    const layout = gridLayout(blankTiles(4, 16), { numbers: true, title: 'seeds 42–45 · blonde_hair, smile' });
    expect([meta.format, meta.width, meta.height]).toEqual(['png', layout.width, layout.height]);
  });

  it('GIVEN generate --code from that gacha THEN her picture and the same code back', async () => {
    expect(codes).toHaveLength(4);
    const r = await gff(['generate', '--code', codes[1]!, '-o', 'girl.png']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([expect.stringMatching(/^wrote girl\.png/), `code ${codes[1]}`]);
    const meta = await sharp(await readFile(path.join(root, 'girl.png'))).metadata();
    expect(meta.width).toBe(4 + 64 + 4);
  });

  it('GIVEN morph to new tags with a .webp output THEN the animation and the strip beside it', async () => {
    const r = await gff(['morph', '--girl', '7', '--to', 'red_hair', '--steps', '3', '-o', 'm/morph.webp']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => l.split(' (')[0])).toEqual([
      'wrote m/morph.webp',
      'wrote m/morph.png',
      expect.stringMatching(/^from \[.*\] to \[red_hair, .*\]$/),
      expect.stringMatching(/^last frame code [A-Za-z0-9_-]+$/),
    ]);
    expect((await sharp(await readFile(path.join(root, 'm/morph.webp'))).metadata()).pages).toBe(4);
  });

  it('GIVEN tags THEN the vocabulary by group with Japanese names', async () => {
    const r = await gff(['tags']);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    for (const g of ['hair_color', 'eye_color', 'hairstyle', 'expression']) expect(out).toContain(g);
    expect(out.find((l) => l.trim().startsWith('blonde_hair'))).toContain('金髪');
    expect(out.indexOf('hair_color')).toBeLessThan(out.indexOf('eye_color'));
  });

  it('GIVEN restyle of seed 42 THEN its column reads "seed 42" and every cell is printed with the tags it wore (issue 30 item 3)', async () => {
    const r = await gff(['restyle', '--girl', '42', '--row', 'smile', '--row', 'red_hair', '-o', 'restyle.png']);
    expect(r.stderr).toBe('');
    const cells = lines(r.stdout).filter((l) => l.startsWith('#'));
    expect(cells).toEqual([
      expect.stringMatching(/^#1 row 1 seed 42 \[[^\]]*smile[^\]]*\] code [A-Za-z0-9_-]+$/),
      expect.stringMatching(/^#2 row 2 seed 42 \[red_hair[^\]]*\] code [A-Za-z0-9_-]+$/),
    ]);
  });

  it('GIVEN blend of two seeds THEN it prints that each kept her own tags, and which (issue 30 items 3, 4)', async () => {
    const r = await gff(['blend', '--girl', '1', '--girl', '2', '--steps', '3', '-o', 'blend.png']);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out).toContain("tags: each girl's own");
    expect(out.filter((l) => /^seed [12] \[.+\]$/.test(l))).toHaveLength(2);
  });

  it('GIVEN --no-random-fill THEN no tile has an empty group: each gets the most common tag, the same for every seed (issue 30 item 5)', async () => {
    const r = await gff(['gacha', '-n', '2', '--seed', '5', '-t', 'smile', '--no-random-fill', '-o', 'nofill.png']);
    expect(r.code).toBe(0);
    const tags = lines(r.stdout)
      .filter((l) => l.startsWith('#'))
      .map((l) => /\[(.*)\]/.exec(l)![1]!);
    expect(tags).toHaveLength(2);
    expect(tags[0]).toBe(tags[1]);
    expect(tags[0]).toMatch(/_hair/);
    expect(tags[0]).toMatch(/_eyes/);
  });

  it('GIVEN -o x.jpg and -o x.webp THEN a JPEG and a WebP, not PNGs with those names (issue 30 item 12)', async () => {
    for (const [file, format] of [
      ['x.jpg', 'jpeg'],
      ['x.webp', 'webp'],
    ] as const) {
      const r = await gff(['gacha', '-n', '1', '--seed', '3', '-o', file]);
      expect(r.code, r.stderr).toBe(0);
      expect((await sharp(await readFile(path.join(root, file))).metadata()).format).toBe(format);
    }
  });

  it('GIVEN --backend onnxruntime THEN accepted, and the help names it an inference backend (issue 30 item 12)', async () => {
    const r = await gff(['tags', '--backend', 'onnxruntime']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const help = await gff(['--help'], { bare: true });
    expect(help.stdout).toMatch(/--backend <name>\s+inference backend/);
    expect(help.stdout).toMatch(/onnxruntime/);
    expect(help.stdout).not.toMatch(/tfjs backend/);
  });

  it('GIVEN --help THEN the usage with every subcommand and exit code 0', async () => {
    const r = await gff(['--help'], { bare: true });
    expect(r.code).toBe(0);
    for (const c of ['gacha', 'generate', 'restyle', 'morph', 'blend', 'variations', 'code', 'tags', 'bench']) expect(r.stdout).toContain(c);
  });
});

// Each case is its own process and waits mostly on start-up: run them side by side.
describe.concurrent('gff given bad input', () => {
  it('GIVEN no subcommand THEN the usage on stderr and exit code 2', async () => {
    const r = await gff([], { bare: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Usage: gff/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  const damaged = () => {
    const c = encodeShareCode({ modelId: 'tiny', z: seedToZ(1, 100), tags: new Float32Array(48) });
    const i = Math.floor(c.length / 2);
    return c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
  };

  it.each([
    ['an unknown tag', () => ['gacha', '-t', 'blond_hare'], /blond_hare.*blonde_hair/, false],
    ['a damaged code', () => ['generate', '--code', damaged()], /code/, false],
    ['--count abc', () => ['gacha', '--count', 'abc'], /count/, false],
    ['a missing --to', () => ['morph', '--girl', '1'], /--to/, false],
    ['an unknown option', () => ['gacha', '--bogus'], /bogus/, false],
    ['a models dir that does not exist', () => ['gacha', '--models-dir', path.join(root, 'nowhere'), '--workers', '0'], /nowhere/, true],
    ['a corrupt model.json', () => ['gacha', '--models-dir', path.join(root, 'broken'), '--workers', '0'], /model\.json/, true],
    // Issue #10, item 15.
    ['--workers -1', () => ['gacha', '--models-dir', models, '--workers', '-1'], /--workers.*0.*16/, true],
    ['--workers 65', () => ['gacha', '--models-dir', models, '--workers', '65'], /--workers.*0.*16/, true],
    ['--workers 1.5', () => ['gacha', '--models-dir', models, '--workers', '1.5'], /--workers/, true],
    ['-o naming a directory', () => ['gacha', '-n', '1', '-o', 'models'], /models.*folder/, false],
    ['-o naming /dev/full', () => ['gacha', '-n', '1', '-o', '/dev/full'], /\/dev\/full.*(space|full)/, false],
    ['-o under a file', () => ['gacha', '-n', '1', '-o', path.join('models', 'tiny', 'card.json', 'x.png')], /card\.json.*not a folder/, false],
    ['three unknown tags', () => ['gacha', '-t', 'blond_hare, bleu_eyes, smiel'], /blond_hare.*bleu_eyes.*smiel/, false],
    // Issue 30, item 12.
    ['-o x.bmp', () => ['gacha', '-n', '1', '-o', 'x.bmp'], /x\.bmp.*\.png, \.jpg/, false],
    ['--model nosuch', () => ['gacha', '--model', 'nosuch'], /^gff: --model "nosuch": there is no such model .*\(models: tiny\)/, false],
    // Checked before the runtime starts (the models folder named here does not exist).
    [
      'a 120 kB --code',
      () => ['generate', '--code', 'A'.repeat(120_000), '--models-dir', path.join(root, 'nowhere'), '--workers', '0'],
      /--code.*120000.*at most/,
      true,
    ],
  ])('GIVEN %s THEN exit code 2 and one line on stderr, no stack trace', async (_what, args, says, bare) => {
    const r = await gff(args(), { bare });
    expect(r.code).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
