/**
 * What `npm run bench:bot` prints: the lines' format from given figures, and the burst
 * scenario's one line from a real (small) run on a tiny model. Nothing here is timed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel } from '../../testkit/tiny-model.ts';
import { burstLine, generatorLine, percentile, stagesLine, throughputLine } from '../../tools/lib/bench-bot-lines.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BURST = /^burst: single-picture p50 \d+ ms p99 \d+ ms; grids p99 \d+ ms; answered (\d+)\/(\d+)$/;

describe('bench-bot lines', () => {
  it('GIVEN figures THEN the burst line reads as the issue spells it, with nearest-rank percentiles', () => {
    const singles = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    const line = burstLine({ singles, grids: [900.4, 1200.6, 800], sent: 104 });
    expect(line).toBe('burst: single-picture p50 50 ms p99 99 ms; grids p99 1201 ms; answered 103/104');
    expect(line).toMatch(BURST);
  });

  it('GIVEN nothing answered THEN dashes, not NaN, and 0/N', () => {
    expect(burstLine({ singles: [], grids: [], sent: 3 })).toBe('burst: single-picture p50 — ms p99 — ms; grids p99 — ms; answered 0/3');
  });

  it('GIVEN percentiles THEN nearest rank', () => {
    expect(percentile([], 0.5)).toBeNaN();
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
  });

  it("GIVEN the 20-user phase THEN the bot's images/s beside the generator's own, the share and p99", () => {
    const line = throughputLine({ users: 20, botImagesPerSecond: 124, generatorImagesPerSecond: 244, latencies: [1641, 1413, 1500] });
    expect(line).toBe("20 users: bot 124.0 images/s = 51 % of the generator's own 244.0 in this run; p50 1500 ms p99 1641 ms");
  });

  it('GIVEN the generator alone before and after THEN the bot CPU ratio, and a warning only where the two differ by over 10 %', () => {
    const steady = generatorLine({ before: 250, after: 240, generatorCpuMsPerImage: 7, botCpuMsPerImage: 8.4 });
    expect(steady).toBe(
      "generator alone, batch 32: 250.0 images/s before the phases, 240.0 after; 7.0 cpu ms/image, the bot's 8.4 = 1.20× (rendering, REST and the in-process loopback)",
    );
    const drifting = generatorLine({ before: 270, after: 210, generatorCpuMsPerImage: 7, botCpuMsPerImage: 8.4 });
    expect(drifting).toMatch(/270\.0 images\/s before the phases, 210\.0 after \(25 % apart: the host's speed changed during this run/);
  });

  it('GIVEN stage times of a 9-tile picture THEN per tile, and the outside share of the generator', () => {
    const line = stagesLine({ tiles: 9, generator: 90, compose: 4.5, encode: 9, rest: 4.5 }, 'cpu');
    expect(line).toBe(
      "per picture (9-tile /gacha, cpu ms a tile): generator 10.00; outside it 2.00 = 20 % of the generator's (compose and labels 0.50, PNG encode 1.00, upload and store 0.50)",
    );
  });
});

describe('npm run bench:bot -- --scenario burst', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gff-bench-bot-'));
    await makeTinyModel(path.join(root, 'models', 'tiny'), { id: 'tiny', seed: 4 });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('GIVEN a small burst on a tiny model THEN stdout is the one burst line, every interaction answered', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GFF_')));
    const args = [
      '--import',
      'tsx',
      'tools/bench-bot.ts',
      '--scenario',
      'burst',
      '--models-dir',
      path.join(root, 'models'),
      '--model',
      'tiny',
      '--grids',
      '2',
      '--singles',
      '3',
      '--every',
      '20',
    ];
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, args, { cwd: REPO, env, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const m = BURST.exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    expect(Number(m![2])).toBe(2 + 3); // both grids and the three single pictures
    expect(r.stderr).toMatch(/2 grids of 25 landed/);
  }, 150_000);
});
