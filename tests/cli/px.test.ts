/**
 * `gff … --px <n>` (issue 31, "256 px"): the picture drawn at another size by the model of her
 * family that draws it (card.json sizes), her share code unchanged; sizes that cannot be
 * drawn are one clear line and exit code 2. Tiny models: "small" (16 px) and "big" (32 px)
 * linked as one family, and "solo" (16 px) alone.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

const GFF = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/gff.js');

let root: string;
let models: string;

function gff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GFF_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [GFF, ...args, '--models-dir', models, '--workers', '0'], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const widthOf = async (file: string) => (await sharp(await readFile(path.join(root, file))).metadata()).width;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gff-px-'));
  models = path.join(root, 'models');
  const sizes = { '16': 'small', '32': 'big' };
  await makeTinyModel(path.join(models, 'small'), { id: 'small', seed: 1, sizes });
  await makeTinyModel(path.join(models, 'big'), { id: 'big', seed: 2, imageSize: 32, sizes });
  await makeTinyModel(path.join(models, 'solo'), { id: 'solo', seed: 3 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('gff --px', () => {
  it('GIVEN generate --px 32 on a 16 px girl THEN her 32 px sibling draws her (a larger picture) and her code is the 16 px model’s, as without --px', async () => {
    const [plain, big] = await Promise.all([
      gff(['generate', '--model', 'small', '--seed', '7', '-o', 'plain.png']),
      gff(['generate', '--model', 'small', '--seed', '7', '--px', '32', '-o', 'big.png']),
    ]);
    expect([plain.code, plain.stderr, big.code, big.stderr]).toEqual([0, '', 0, '']);
    const code = (r: { stdout: string }) => /^code (\S+)$/m.exec(r.stdout)?.[1];
    expect(code(big)).toBeDefined();
    expect(code(big)).toBe(code(plain));
    // 16 px is shown 4× (64 px), and so is 32 px (128 px), each inside a 4 px border.
    expect([await widthOf('plain.png'), await widthOf('big.png')]).toEqual([4 + 64 + 4, 4 + 128 + 4]);
  });

  it('GIVEN --px a girl’s model cannot draw, or a size no model draws THEN one clear line, exit 2, nothing written', async () => {
    const [solo, unknown, word] = await Promise.all([
      gff(['gacha', '--model', 'solo', '-n', '2', '--px', '32', '-o', 'solo.png']),
      gff(['gacha', '-n', '2', '--px', '300', '-o', 'unknown.png']),
      gff(['gacha', '-n', '2', '--px', 'big', '-o', 'word.png']),
    ]);
    expect([solo.code, solo.stdout, solo.stderr]).toEqual([2, '', "gff: This girl's model (solo) draws 16 px pictures only, not 32 px.\n"]);
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([2, '', 'gff: There is no 300 px picture size here: the models draw 16, 32 px pictures.\n']);
    expect([word.code, word.stderr]).toEqual([2, "error: option '--px <n>' argument 'big' is invalid. --px must be a whole number\n"]);
    await expect(readFile(path.join(root, 'solo.png'))).rejects.toThrow(/ENOENT/);
  });

  it('GIVEN --help of each drawing command THEN --px is explained beside --size, the display size', async () => {
    const help = await gff(['generate', '--help']);
    expect(help.stdout).toMatch(/--size <px>\s+display size in px: the picture enlarged/);
    expect(help.stdout).toMatch(/--px <n>\s+picture size in px \(e\.g\. 128 or 256\)/);
    const commands = ['gacha', 'restyle', 'morph', 'blend', 'variations', 'refine'];
    const helps = await Promise.all(commands.map((c) => gff([c, '--help'])));
    helps.forEach((h, i) => expect(h.stdout, commands[i]).toMatch(/--px <n>/));
  });
});
