/** `gff refine` as a user runs it (a child process per call), on a tiny model lent the shipped model's coded parts. */
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

function gff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GFF_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [GFF, ...args, '--models-dir', path.join(root, 'models'), '--workers', '0'],
      { cwd: root, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gff-refine-'));
  const shipped = JSON.parse(await readFile('models/default/card.json', 'utf8')).training;
  await makeTinyModel(path.join(root, 'models', 'tiny'), { seed: 3, training: { factorCodes: shipped.factorCodes, drawCodes: shipped.drawCodes } });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('gff refine', () => {
  it('GIVEN a ponytail girl and round 1 THEN her and the 7 other outlines her tags allow, with their codes; round 5 is refused in one line', async () => {
    const r = await gff(['refine', '--girl', '7', '-t', 'ponytail', '--round', '1', '-o', 'r1.png']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out[0]).toMatch(/^wrote r1\.png/);
    expect(out[1]).toBe('round 1/4: redraws hair, head');
    expect(out.slice(2)).toHaveLength(8);
    expect(out[9]).toMatch(/^#8 code [A-Za-z0-9_-]{40,}$/);
    expect((await sharp(await readFile(path.join(root, 'r1.png'))).metadata()).format).toBe('png');

    const bad = await gff(['refine', '--girl', '7', '--round', '5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/refine round is a whole number from 1 to 4/);
  });
});
