import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/gan/model-loader.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';

const torchReady = hasTorch();
if (!torchReady && process.env.GFF_REQUIRE_TORCH) throw new Error('GFF_REQUIRE_TORCH is set but PyTorch cannot be imported');

describe.skipIf(!torchReady)('export parity: PyTorch generator vs its tfjs export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gff-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const size of [64, 128]) {
    it(`GIVEN a random ${size}px generator exported with float16 weights THEN tfjs matches torch within 1e-3`, async () => {
      const out = join(dir, String(size));
      const run = spawnSync(pythonExecutable(), ['-m', 'training.tests.make_parity_fixture', out, '--size', String(size)], {
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      expect(run.status, run.stderr).toBe(0);
      const parity = JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8')) as {
        seeds: number[];
        tags: number[][];
        shape: number[];
        output: number[];
      };
      await tf.setBackend('cpu');
      const loaded = await loadModel(out);
      expect(loaded.imageSize).toBe(size);
      const rows = parity.seeds.map((s, i) => [...seedToZ(s, loaded.zDim), ...parity.tags[i]!]);
      const y = tf.tidy(() => (loaded.model.predict(tf.tensor2d(rows)) as tf.Tensor).dataSync());
      expect(Array.from((loaded.model.outputs[0]!.shape as number[]).slice(1))).toEqual(parity.shape.slice(1));
      let maxDiff = 0;
      for (let i = 0; i < y.length; i++) maxDiff = Math.max(maxDiff, Math.abs(y[i]! - parity.output[i]!));
      expect(y.length).toBe(parity.output.length);
      expect(maxDiff).toBeLessThanOrEqual(1e-3);
      loaded.model.dispose();
    });
  }
});
