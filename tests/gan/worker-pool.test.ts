import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeneratorError, ModelLoadError } from '../../src/gan/errors.ts';
import { GeneratorService, type GenerateRequest } from '../../src/gan/generator-service.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { makeTinyModel, type TinyModel } from '../../testkit/tiny-model.ts';

let root: string;
let tiny: TinyModel;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-pool-'));
  tiny = await makeTinyModel(path.join(root, 'tiny'), { id: 'tiny', imageSize: 16 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const tags = (() => {
  const t = new Float32Array(48);
  t[4] = 1;
  t[20] = 1;
  return t;
})();
const requests: GenerateRequest[] = Array.from({ length: 24 }, (_, i) => ({ z: seedToZ(1000 + i), tags }));

describe('GeneratorService with worker threads', () => {
  it('GIVEN 2 workers THEN concurrent requests come back identical to in-process generation, spread over both workers', async () => {
    const local = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0 });
    const expected = await local.generate(requests);
    await local.close();

    const pool = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 2, maxBatch: 4 });
    try {
      expect(pool.backend?.name).toBe('wasm');
      const before = pool.stats().workers.map((w) => w.numTensors);
      const results = await Promise.all(requests.map((r) => pool.generate([r])));
      results.forEach((r, i) => expect(r[0]!.data).toEqual(expected[i]!.data));
      const stats = pool.stats();
      expect(stats.workers).toHaveLength(2);
      expect(stats.images).toBe(24);
      expect(stats.batches).toBeLessThan(24);
      expect(stats.workers.every((w) => w.batches > 0)).toBe(true);
      // Pixels crossed the thread boundary as transferred buffers, not in the worker's heap.
      expect(results[0]![0]!.data.byteLength).toBe(16 * 16 * 3);
      expect(stats.workers.map((w) => w.numTensors)).toEqual(before);
    } finally {
      await pool.close();
    }
    expect(pool.stats().workers.every((w) => w.state === 'closed')).toBe(true);
  });

  it('GIVEN 2 workers that each hold two batches THEN one 9-image request is shared out, not 8 images to one and 1 to the other', async () => {
    const pool = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 2, maxBatch: 4, pipelineDepth: 2 });
    try {
      await pool.generate(requests.slice(0, 9));
      // Batches of 4, 4 and 1: the first two go to different workers.
      const images = pool.stats().workers.map((w) => w.images);
      expect(images.sort((a, b) => a - b)).toEqual([4, 5]);
    } finally {
      await pool.close();
    }
  });

  it('GIVEN 2 workers and two models THEN the default model is drawn by both, the other only by the first, and the batch budget is split', async () => {
    const other = await makeTinyModel(path.join(root, 'other'), { id: 'other', imageSize: 16 });
    const pool = await GeneratorService.create({ modelDirs: [tiny.dir, other.dir], defaultModelId: 'tiny', workers: 2 });
    try {
      // 16 images of 64 px a batch for the pool: 8 for each of two workers.
      expect(pool.stats().defaultModelBatch).toBe(8);
      // Two batches of the other model: without the rule the second would go to the idle second worker.
      await pool.generate(requests.slice(0, 16).map((r) => ({ ...r, modelId: 'other' })));
      expect(pool.stats().workers.map((w) => w.images)).toEqual([16, 0]);
      await pool.generate(requests.slice(0, 16));
      expect(pool.stats().workers.map((w) => w.images)).toEqual([24, 8]);
    } finally {
      await pool.close();
    }
  });

  it('GIVEN a worker that crashes mid-batch THEN its callers get worker_crashed, and the restarted worker serves the next request', async () => {
    const pool = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 1, faultInjection: { crashOnBatch: 1 } });
    try {
      const err = await pool.generate(requests.slice(0, 3)).then(
        () => new Error('expected a crash'),
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(GeneratorError);
      expect(err).toMatchObject({ code: 'worker_crashed' });
      expect(err.message).toMatch(/crashed.*try again/);
      const again = await pool.generate(requests.slice(0, 3)); // queued until the new worker is ready
      expect(again).toHaveLength(3);
      expect(pool.stats().crashes).toBe(1);
      expect(pool.stats().workers[0]!.state).toBe('idle');
    } finally {
      await pool.close();
    }
  });

  it("GIVEN a model that tfjs cannot load THEN create() rejects with the worker's ModelLoadError", async () => {
    const broken = await makeTinyModel(path.join(root, 'broken'), { id: 'broken' });
    const file = path.join(broken.dir, 'model.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.weightsManifest[0].weights[0].name = 'nonexistent/kernel';
    await writeFile(file, JSON.stringify(json));
    const err = await GeneratorService.create({ modelDirs: [broken.dir], workers: 1 }).then(
      async (svc) => {
        await svc.close();
        return new Error('loaded a broken model');
      },
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ code: 'tfjs_load' });
    expect(err.message).toContain('model.json');
  });
});
