import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeneratorEngine } from '../../src/gan/generator-engine.ts';
import { splitImages, tanhToRgb } from '../../src/gan/image.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { makeTinyModel, type TinyModel } from '../../testkit/tiny-model.ts';
import { byteDifference } from '../render/helpers.ts';

let root: string;
let tiny: TinyModel;

function input(seeds: number[], tags: Float32Array): Float32Array {
  const w = 100 + tags.length;
  const x = new Float32Array(seeds.length * w);
  seeds.forEach((s, i) => {
    x.set(seedToZ(s), i * w);
    x.set(tags, i * w + 100);
  });
  return x;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-engine-'));
  tiny = await makeTinyModel(path.join(root, 'tiny'), { id: 'tiny', imageSize: 16 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tanhToRgb', () => {
  it('GIVEN tanh values THEN (x + 1)·127.5 rounded half to even and clamped, NaN → 0', () => {
    expect(Array.from(tanhToRgb([-1, 1, 0, -0.999, 2, -3, NaN, 0.5]))).toEqual([0, 255, 128, 0, 255, 0, 0, 191]);
  });

  it('GIVEN a batch buffer THEN splitImages gives views of width·height·3 bytes each', () => {
    const pixels = Uint8Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i);
    const [a, b] = splitImages(pixels, 2, 4);
    expect(a).toMatchObject({ width: 4, height: 4, channels: 3 });
    expect(b!.data[0]).toBe(48);
    expect(() => splitImages(pixels, 3, 4)).toThrow(RangeError);
  });
});

describe('GeneratorEngine', () => {
  const tags = new Float32Array(48);
  tags[0] = 1; // blonde_hair
  tags[27] = 1; // smile
  let wasmPixels: Uint8Array;

  it('GIVEN the same seed and tags in two separately loaded engines THEN identical pixels', async () => {
    const e1 = await GeneratorEngine.create({ modelDirs: [tiny.dir], backend: 'wasm' });
    const p1 = await e1.run('tiny', input([42, 7], tags), 2);
    e1.dispose();
    const e2 = await GeneratorEngine.create({ modelDirs: [tiny.dir], backend: 'wasm' });
    const p2 = await e2.run('tiny', input([42, 7], tags), 2);
    expect(p1).toHaveLength(2 * 16 * 16 * 3);
    expect(p2).toEqual(p1);
    // Different seed, different tags → different pictures.
    expect(await e2.run('tiny', input([43], tags), 1)).not.toEqual(p1.subarray(0, 768));
    expect(await e2.run('tiny', input([42], new Float32Array(48)), 1)).not.toEqual(p1.subarray(0, 768));
    wasmPixels = p1;
    e2.dispose();
  });

  it('GIVEN many runs THEN the live tensor count stays flat (no leak)', async () => {
    const e = await GeneratorEngine.create({ modelDirs: [tiny.dir], backend: 'wasm' });
    const before = e.numTensors();
    for (let i = 0; i < 50; i++) await e.run('tiny', input([i, i + 1, i + 2], tags), 3);
    expect(e.numTensors()).toBe(before);
    e.dispose();
  });

  it('GIVEN a wrong model id or input length THEN typed errors', async () => {
    const e = await GeneratorEngine.create({ modelDirs: [tiny.dir], backend: 'wasm', warmUp: false });
    await expect(e.run('nope', input([1], tags), 1)).rejects.toMatchObject({ code: 'unknown_model' });
    await expect(e.run('tiny', new Float32Array(10), 1)).rejects.toMatchObject({ code: 'bad_request' });
    e.dispose();
  });

  it('GIVEN the cpu backend THEN the pixels match wasm within a small tolerance', async () => {
    const e = await GeneratorEngine.create({ modelDirs: [tiny.dir], backend: 'cpu' });
    expect(e.backend.name).toBe('cpu');
    const p = await e.run('tiny', input([42, 7], tags), 2);
    const { max, mean } = byteDifference(p, wasmPixels);
    expect(max).toBeLessThanOrEqual(2);
    expect(mean).toBeLessThan(0.05);
    e.dispose();
  });
});
