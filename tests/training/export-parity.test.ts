import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GeneratorEngine } from '../../src/gan/generator-engine.ts';
import { loadModel } from '../../src/gan/model-loader.ts';
import { OrtEngine } from '../../src/gan/ort-engine.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';
import { runProcess } from '../../testkit/run-process.ts';

const torchReady = hasTorch();
if (!torchReady && process.env.GFF_REQUIRE_TORCH) throw new Error('GFF_REQUIRE_TORCH is set but PyTorch cannot be imported');

interface Parity {
  seeds: number[];
  tags: number[][];
  shape: number[];
  output: number[];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe.skipIf(!torchReady)('export parity: PyTorch generator vs its tfjs and ONNX exports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gff-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    { name: '64px', dir: '64px', args: ['--size', '64'], size: 64 },
    { name: '128px', dir: '128px', args: ['--size', '128'], size: 128 },
    { name: '128px two-stage (64 px generator + 2x stage)', dir: '128px-2s', args: ['--two-stage'], size: 128 },
    { name: '64px (with a code layer)', dir: '64px-codes', args: ['--size', '64', '--code-layer'], size: 64 },
    {
      name: '128px layered (masks, palette, softmax composite; model v3)',
      dir: '128px-layered',
      args: ['--size', '128', '--code-layer', '--layered'],
      size: 128,
    },
    {
      name: '128px layered with a detail head (128 px logits; model v3.1)',
      dir: '128px-layered-detail',
      args: ['--size', '128', '--code-layer', '--layered', '--detail'],
      size: 128,
    },
  ];
  for (const c of cases) {
    it(`GIVEN a random ${c.name} generator exported with float16 weights THEN tfjs and ONNX Runtime match torch within 1e-3 and draw the same bytes`, async () => {
      const out = join(dir, c.dir);
      const run = await runProcess(pythonExecutable(), ['-m', 'training.tests.make_parity_fixture', out, ...c.args], {
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      expect(run.status, run.stderr).toBe(0);
      const parity = JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8')) as Parity;
      tf.env().set('PROD', true); // no "install our node backend" advice in the test log
      await tf.setBackend('cpu');
      const loaded = await loadModel(out);
      expect(loaded.imageSize).toBe(c.size);
      const rows = parity.seeds.map((s, i) => [...seedToZ(s, loaded.zDim), ...parity.tags[i]!]);
      const input = Float32Array.from(rows.flat());
      const y = tf.tidy(() => (loaded.model.predict(tf.tensor2d(rows)) as tf.Tensor).dataSync());
      expect(Array.from((loaded.model.outputs[0]!.shape as number[]).slice(1))).toEqual(parity.shape.slice(1));
      expect(maxAbsDiff(y, parity.output)).toBeLessThanOrEqual(1e-3);
      loaded.model.dispose();

      // ONNX Runtime on the same weights: floats against torch, then bytes against tfjs.
      const session = await ort.InferenceSession.create(join(out, 'model.onnx'));
      const res = await session.run({ input: new ort.Tensor('float32', input, [rows.length, rows[0]!.length]) });
      expect(res['image']!.dims).toEqual(parity.shape);
      expect(maxAbsDiff(res['image']!.data as Float32Array, parity.output)).toBeLessThanOrEqual(1e-3);
      await session.release();

      const onnx = await OrtEngine.create({ modelDirs: [out], threads: 1 });
      const tfjs = await GeneratorEngine.create({ modelDirs: [out], backend: 'cpu' });
      const a = await onnx.run('parity', input, rows.length);
      const b = await tfjs.run('parity', input, rows.length);
      // The same share code draws the same girl whatever the backend: within 1/255 per channel.
      expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1);
      await onnx.dispose();
      tfjs.dispose();
    }, 240_000); // a Python fixture, then three runtimes on one generator: minutes on a loaded machine
  }
});
