import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';
import { runProcess } from '../../testkit/run-process.ts';

const torchReady = hasTorch();

// tools/gpu-train.sh is meant for a lent GPU machine; here it runs on the CPU (GFF_DEVICE=cpu)
// for a few steps on tiny data, so that the script a GPU session sends is known to work.
describe.skipIf(!torchReady)('tools/gpu-train.sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gff-gpu-script-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN tiny data on a CPU THEN both generator runs (one after a redraw pretraining) and the 2x stage train, and each 128 px model comes back as one file with its grid and a summary', async () => {
    const py = pythonExecutable();
    const data = join(dir, 'data');
    const made = await runProcess(py, [
      '-c',
      `from pathlib import Path; from training.tests.test_trainer import make_dataset, write_codes; d = Path(${JSON.stringify(data)}); make_dataset(d, size=128); write_codes(d)`,
    ]);
    expect(made.status, made.stderr).toBe(0);
    const out = join(dir, 'out');
    const run = await runProcess('bash', ['tools/gpu-train.sh', data, '1'], {
      timeoutMs: 590_000,
      env: {
        ...process.env,
        OUT: out,
        PYTHON: py,
        GFF_DEVICE: 'cpu',
        GFF_RUN: join(dir, 'run'),
        GFF_INIT_FROM: '',
        GFF_FOCUS: 'eyes',
        GFF_TRAIN_ARGS: '--epochs 1 --batch 8 --threads 1 --g-channels 32,16,16,8,8 --d-channels 8,16,16,32',
        GFF_PRETRAIN_ARGS: '--steps 4 --batch 8 --threads 1 --g-channels 32,16,16,8,8 --log-every 2 --eval-every 2',
        GFF_UPSCALER_ARGS: '--steps 3 --batch 4 --threads 1 --channels 8',
        OMP_NUM_THREADS: '1',
      },
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const back = readdirSync(out).sort();
    expect(back).toEqual(['a-final.png', 'b-final.png', 'model-a.tar', 'model-b.tar', 'summary.txt']);
    for (const r of ['a', 'b']) {
      const listed = (await runProcess('tar', ['-tf', join(out, `model-${r}.tar`)])).stdout;
      for (const f of ['card.json', 'model.json', 'weights.bin', 'model.onnx', 'tags.json', 'discriminator.pt']) expect(listed).toContain(`model-${r}/${f}`);
      await runProcess('tar', ['-xf', join(out, `model-${r}.tar`), '-C', dir]);
      const card = JSON.parse(readFileSync(join(dir, `model-${r}`, 'card.json'), 'utf8'));
      expect(card).toMatchObject({ id: `lorelei128-gpu-${r}`, imageSize: 128, baseImageSize: 64 });
      expect(card.training.loss).toMatchObject({ redraw_weight: 30, aux_balanced: true });
      // run b starts from its redraw pretraining, run a from the given generator (none here)
      expect(card.training.commandLines[0].command.includes(`--init-from ${join(dir, 'run', 'pre')}`)).toBe(r === 'b');
      // run b weighs its redraw where the focus factors show, as its pretraining did
      expect(card.training.loss.redraw_focus).toEqual(r === 'b' ? ['eyes'] : []);
      expect(statSync(join(out, `model-${r}.tar`)).size).toBeLessThan(16 * 1024 * 1024);
    }
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toMatch(/== up[\s\S]*== a config/);
    // Two trainer runs, the 2x stage and two exports in subprocesses: minutes on two busy cores.
  }, 600_000);

  it('GIVEN cuda asked on a machine without a GPU THEN it stops with the reason and exports nothing', async () => {
    const out = join(dir, 'out-cuda');
    const run = await runProcess('bash', ['tools/gpu-train.sh', join(dir, 'data'), '1'], {
      env: { ...process.env, OUT: out, PYTHON: pythonExecutable(), GFF_RUN: join(dir, 'run-cuda') },
      timeoutMs: 120_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/sees no GPU/);
    expect(existsSync(join(out, 'model-a.tar'))).toBe(false);
  });
});
