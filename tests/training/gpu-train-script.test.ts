import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';

const torchReady = hasTorch();

// tools/gpu-train.sh is meant for a lent GPU machine; here it runs on the CPU (GFF_DEVICE=cpu)
// for a few steps on tiny data, so that the script a GPU session sends is known to work.
describe.skipIf(!torchReady)('tools/gpu-train.sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gff-gpu-script-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN tiny data on a CPU THEN it trains at 128 px, exports the model and brings the grid, log and config to $OUT', () => {
    const py = pythonExecutable();
    const data = join(dir, 'data');
    const made = spawnSync(
      py,
      ['-c', `from pathlib import Path; from training.tests.test_trainer import make_dataset; make_dataset(Path(${JSON.stringify(data)}))`],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    const out = join(dir, 'out');
    const run = spawnSync('bash', ['tools/gpu-train.sh', data, '1'], {
      encoding: 'utf8',
      timeout: 300_000,
      env: {
        ...process.env,
        OUT: out,
        PYTHON: py,
        GFF_DEVICE: 'cpu',
        GFF_RUN: join(dir, 'run'),
        GFF_TRAIN_ARGS: '--epochs 1 --batch 8 --threads 1',
        OMP_NUM_THREADS: '1',
      },
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const card = JSON.parse(readFileSync(join(out, 'model', 'card.json'), 'utf8'));
    expect(card.imageSize).toBe(128);
    expect(card.training.loss).toMatchObject({ aux_balanced: true, aux_weight_d: 3 });
    for (const f of ['model/model.json', 'model/weights.bin', 'model/model.onnx', 'model/tags.json', 'final.png', 'log.jsonl', 'config.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // A trainer run plus both exports in a subprocess: minutes on two busy cores, not seconds.
  }, 240_000);

  it('GIVEN cuda asked on a machine without a GPU THEN it stops with the reason and exports nothing', () => {
    const out = join(dir, 'out-cuda');
    const run = spawnSync('bash', ['tools/gpu-train.sh', join(dir, 'data'), '1'], {
      encoding: 'utf8',
      env: { ...process.env, OUT: out, PYTHON: pythonExecutable(), GFF_RUN: join(dir, 'run-cuda') },
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/sees no GPU/);
    expect(existsSync(join(out, 'model'))).toBe(false);
  });
});
