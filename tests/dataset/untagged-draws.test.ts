/**
 * The renderer's untagged draws (draws.csv): each is recorded as what the options show, the
 * random stream is the one the datasets were rendered with, and `npm run dataset:draws`
 * recomputes them for a folder rendered before — refusing a folder it did not render.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EYE_COLORS, HAIR_COLORS } from '../../tools/dataset/lorelei-mapping.ts';
import { sampleFace, UNTAGGED_DRAWS, untaggedDraws } from '../../tools/dataset/sample-face.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function tool(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const faces = Array.from({ length: 400 }, (_, i) => sampleFace(1, i));

describe('sampleFace draws', () => {
  it('GIVEN the first faces of seed 1 THEN the options are the ones the datasets were rendered with', () => {
    // Golden values of data/lorelei128 (seed 1): recording the draws must not move the stream.
    expect(faces[0]!.tags.join(' ')).toBe('long_hair silver_hair closed_eyes glasses frown tan earrings grey_background');
    expect(faces[1]!.options.hair).toEqual(['variant47']);
    expect(faces[0]!.options).toMatchObject({ scale: 115, translateX: -1, translateY: 2, glassesColor: ['000000'] });
  });

  it('GIVEN any face THEN every recorded draw is in range and is what its options show', () => {
    for (const { options, tags, draws } of faces) {
      for (const name of UNTAGGED_DRAWS) {
        const d = draws[name];
        if (!d) continue;
        expect(d[0]).toBeGreaterThanOrEqual(0);
        expect(d[0]).toBeLessThan(d[1]);
      }
      expect(options.scale).toBe(112 + draws.scale![0]);
      expect(options.translateX).toBe(draws.shiftX![0] - 2);
      expect(options.translateY).toBe(draws.shiftY![0]);
      const hairColor = tags.find((t) => t in HAIR_COLORS)!;
      const base = HAIR_COLORS[hairColor]!;
      const red = Math.max(0, Math.min(255, parseInt(base.slice(0, 2), 16) + draws.hairRed![0] - 10));
      expect((options.hairColor as string[])[0]!.slice(0, 2)).toBe(red.toString(16).padStart(2, '0'));
      if (tags.includes('head_tilt')) {
        expect(Math.abs(options.rotate as number)).toBe(8 + draws.tiltAngle![0]);
        expect(Math.sign(options.rotate as number)).toBe(draws.tiltSide![0] === 0 ? -1 : 1);
      } else {
        expect(draws.tiltSide).toBeUndefined();
        expect(options.rotate).toBe(0);
      }
      if (tags.includes('gradient_background')) expect(options.backgroundRotation).toEqual([draws.gradientAngle![0]]);
      else expect(draws.gradientAngle).toBeUndefined();
      // An accessory's look is drawn either way but recorded only when the face shows it.
      expect(draws.earringsVariant !== undefined).toBe(tags.includes('earrings'));
      expect(draws.flowerColor !== undefined).toBe(tags.includes('hair_flower'));
      expect(draws.glassesColor !== undefined).toBe(tags.includes('glasses') || tags.includes('sunglasses'));
      expect(draws.glassesVariant !== undefined).toBe(tags.includes('glasses'));
      // Closed eyes show their colour untagged: it is a draw, the colour the lids are drawn in.
      expect(draws.eyesHidden !== undefined).toBe(tags.includes('closed_eyes'));
      if (draws.eyesHidden) {
        const base = Object.values(EYE_COLORS)[draws.eyesHidden[0]]!;
        const red = Math.max(0, Math.min(255, parseInt(base.slice(0, 2), 16) + draws.eyesRed![0] - 8));
        expect((options.eyesColor as string[])[0]!.slice(0, 2)).toBe(red.toString(16).padStart(2, '0'));
      }
    }
  });

  it('GIVEN a full tag set THEN the untagged draws still vary from face to face', () => {
    const given = ['long_hair', 'blonde_hair', 'blue_eyes', 'smile', 'gradient_background', 'light_skin'];
    const cells = new Set(Array.from({ length: 20 }, (_, i) => untaggedDraws(sampleFace(77, i, given).draws).join(',')));
    expect(cells.size).toBe(20);
  });
});

describe('npm run dataset:draws', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gff-draws-'));
    const r = await tool('tools/make-dataset.ts', ['--out', dir, '--count', '5', '--size', '16', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('GIVEN a folder rendered without draws.csv THEN it writes the same file the renderer writes', async () => {
    const rendered = await readFile(path.join(dir, 'draws.csv'), 'utf8');
    expect(rendered.trimEnd().split('\n')).toHaveLength(6);
    await unlink(path.join(dir, 'draws.csv'));
    const r = await tool('tools/dataset-draws.ts', ['--data', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('5 rows, 23 draws each');
    expect(await readFile(path.join(dir, 'draws.csv'), 'utf8')).toBe(rendered);
  });

  it('GIVEN a folder whose tags are not what the renderer draws THEN it is refused and draws.csv is untouched', async () => {
    const before = await readFile(path.join(dir, 'draws.csv'), 'utf8');
    const tags = await readFile(path.join(dir, 'tags.csv'), 'utf8');
    await writeFile(path.join(dir, 'tags.csv'), tags.replace(/(images\/000003\.png,\S+)/, '$1 extra_tag'));
    const r = await tool('tools/dataset-draws.ts', ['--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('images/000003.png: its tags or factors are not what this renderer draws');
    expect(await readFile(path.join(dir, 'draws.csv'), 'utf8')).toBe(before);
    await writeFile(path.join(dir, 'tags.csv'), tags);
  });

  it('GIVEN a folder of the girls look THEN it recomputes that look, not the default one', async () => {
    const girls = await mkdtemp(path.join(tmpdir(), 'gff-draws-girls-'));
    try {
      const made = await tool('tools/make-dataset.ts', ['--out', girls, '--count', '5', '--size', '16', '--workers', '1', '--look', 'girls']);
      expect(made.code, made.stderr).toBe(0);
      const rendered = await readFile(path.join(girls, 'draws.csv'), 'utf8');
      const r = await tool('tools/dataset-draws.ts', ['--data', girls]);
      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(path.join(girls, 'draws.csv'), 'utf8')).toBe(rendered);
    } finally {
      await rm(girls, { recursive: true, force: true });
    }
  });

  it('GIVEN a folder without meta.json THEN one clear line', async () => {
    const r = await tool('tools/dataset-draws.ts', ['--data', path.join(dir, 'images')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^dataset-draws: .*meta\.json: missing/);
  });
});
