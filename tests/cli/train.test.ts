/**
 * `npm run train` (tools/train.ts): a model of one's own tagged images, trained for a few steps
 * with a tiny network, exported where `gff --model ID` finds it, with the tag sets inferred from
 * the data; names that would overwrite a run or a model are refused. Also: the Python trainer
 * folds tag spellings exactly as the CLI does (training/tag_names.py mirrors normalizeTag).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeTag } from '../../src/tags/vocabulary.ts';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const torchReady = hasTorch();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: REPO, env: { ...process.env, ...env }, timeout: 600_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let root: string;
let cache: string;
const trainTool = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'tools/train.ts', '--runs-dir', path.join(root, 'runs'), '--models-dir', path.join(root, 'models'), ...args], {
    GFF_CACHE_DIR: cache,
    OMP_NUM_THREADS: '1',
  });
const TINY = ['--threads', '1', '--batch', '8', '--g-channels', '32,16,16,8,8', '--d-channels', '8,16,16,32'];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gff-train-'));
  cache = path.join(root, 'cache');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('npm run train: refusals before any training', () => {
  it('GIVEN a bad name, no tags.csv, or an existing model THEN one error line and exit 2', async () => {
    const data = path.join(root, 'empty');
    await mkdir(data, { recursive: true });
    const badName = await trainTool(['--data', data, '--name', '../x']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/^error: --name "..\/x": use letters/);
    const noCsv = await trainTool(['--data', data, '--name', 'mine']);
    expect(noCsv.code).toBe(2);
    expect(noCsv.stderr).toMatch(/^error: .*no tags\.csv there/);
    await writeFile(path.join(data, 'tags.csv'), 'image,tags\n');
    await mkdir(path.join(root, 'models', 'taken'), { recursive: true });
    const taken = await trainTool(['--data', data, '--name', 'taken']);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/taken exists: choose another --name, or --resume .* or --force/);
    expect(await readdir(path.join(root, 'models', 'taken'))).toEqual([]); // untouched
  });
});

describe.skipIf(!torchReady)('npm run train on tiny data', () => {
  it('GIVEN a folder of tagged images THEN summary, progress, a model gff serves with inferred sets, and a rerun refused without --resume', async () => {
    const data = path.join(root, 'art');
    const made = await run(pythonExecutable(), [
      '-c',
      `from pathlib import Path; from training.tests.test_trainer import make_dataset; make_dataset(Path(${JSON.stringify(data)}), n=16)`,
    ]);
    expect(made.code, made.stderr).toBe(0);

    const first = await trainTool(['--data', data, '--name', 'mine', '--steps', '2', ...TINY]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/images {4}16 at 64 px/);
    expect(first.stderr).toMatch(/hair: red_hair, blue_hair \(100% of images\)/);
    expect(first.stderr).toMatch(/step 2 · epoch 1\.00 · [\d.]+ images\/s · ETA/);
    expect(first.stdout).toMatch(/model mine is in .*models\/mine/);
    const tags = JSON.parse(await readFile(path.join(root, 'models', 'mine', 'tags.json'), 'utf8')).tags as { name: string; exclusive?: string }[];
    expect(tags.filter((t) => t.exclusive === 'hair').map((t) => t.name)).toEqual(['red_hair', 'blue_hair']);
    expect(await readdir(path.join(root, 'runs', 'mine'))).not.toContain('export'); // moved into models/

    const served = await run(process.execPath, ['bin/gff.js', '--models-dir', path.join(root, 'models'), '--model', 'mine', 'tags']);
    expect(served.code, served.stderr).toBe(0);
    expect(served.stdout).toMatch(/^hair\n {2}red_hair/m);

    const again = await trainTool(['--data', data, '--name', 'mine', '--steps', '2', ...TINY]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/mine exists: choose another --name/);

    const resumed = await trainTool(['--data', data, '--name', 'mine', '--steps', '3', '--resume', '--threads', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed at step 2/);
    const card = JSON.parse(await readFile(path.join(root, 'models', 'mine', 'card.json'), 'utf8'));
    expect(card.training.steps).toBe(3);
  }, 240_000);
});

describe.skipIf(!torchReady)('npm run evaluate --data on the model npm run train made', () => {
  it('GIVEN the folder and the model id THEN a judge is trained on the folder once, cached, and the figures go into metrics.json and the card', async () => {
    const data = path.join(root, 'art');
    const evaluate = () =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          'tools/evaluate.ts',
          '--data',
          data,
          '--model',
          'mine',
          '--judges-dir',
          path.join(root, 'judges'),
          '--judge-width',
          '8',
          '--judge-steps',
          '4',
          '--out',
          path.join(root, 'eval'),
        ],
        { GFF_MODELS_DIR: path.join(root, 'models'), GFF_CACHE_DIR: cache, OMP_NUM_THREADS: '1' },
      );
    const first = await evaluate();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/judge: training one on .*art/);
    const metrics = JSON.parse(await readFile(path.join(root, 'eval', 'metrics.json'), 'utf8'));
    expect(metrics.fidelity.perTag.red_hair.fidelity).toBeGreaterThanOrEqual(0);
    expect(metrics.restyle.newHairColourDetected).toBeNull(); // no hair_color group: null, never NaN in the card
    const card = JSON.parse(await readFile(path.join(root, 'models', 'mine', 'card.json'), 'utf8'));
    expect(typeof card.metrics.frechetDistance.generated).toBe('number'); // the card took the figures and still parses
    const again = await evaluate();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/judge: .*classifier\.pt \(trained on .*art before\)/);
  }, 600_000); // draws the evaluator's 3,300 images and trains a tiny judge: minutes on a busy machine
});

describe('tag spellings: the trainer folds them as the CLI does', () => {
  it('GIVEN awkward spellings THEN training/tag_names.py and normalizeTag agree on every one', async () => {
    const cases = [
      'Blonde Hair',
      'blonde-hair',
      'ＢＬＯＮＤＥ－ＨＡＩＲ',
      'long\u00a0hair',
      '\ufeffsmile',
      'x\u2010y',
      '__a  _-b__',
      'ｶﾞ',
      'a\u001cb',
      'İstanbul',
      'ΟΔΟΣ',
      'ß',
      'Ⅻ',
      'a\u3000b',
      'tab\there',
    ];
    // The cases travel as an argument (execFile takes no stdin text).
    const viaArg = await run(pythonExecutable(), [
      '-c',
      'import json, sys; from training.tag_names import normalize_tag; print(json.dumps([normalize_tag(t) for t in json.loads(sys.argv[1])]))',
      JSON.stringify(cases),
    ]);
    expect(viaArg.code, viaArg.stderr).toBe(0);
    expect(JSON.parse(viaArg.stdout)).toEqual(cases.map(normalizeTag));
  });
});
