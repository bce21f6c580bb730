import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/gan/backend.ts';
import { ModelLoadError } from '../../src/gan/errors.ts';
import { decodeFloat16 } from '../../src/latent/float16.ts';
import { loadModel } from '../../src/gan/model-loader.ts';
import { findModelDirs, readModelFiles } from '../../src/gan/model-files.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

let root: string;
let n = 0;
/** A fresh tiny model directory per test, so each can break its own files. */
const fresh = async (opts: Parameters<typeof makeTinyModel>[1] = {}) => makeTinyModel(path.join(root, `m${n++}`), { id: 'tiny', ...opts });

async function loadError(dir: string): Promise<ModelLoadError> {
  try {
    const m = await loadModel(dir);
    m.model.dispose();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    return e as ModelLoadError;
  }
  throw new Error(`${dir} loaded although it is broken`);
}

async function editJson(file: string, edit: (j: Record<string, unknown>) => void): Promise<void> {
  const j = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(j);
  await writeFile(file, JSON.stringify(j));
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-loader-'));
  await chooseBackend('wasm');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadModel', () => {
  it('GIVEN a valid model directory THEN the model, card and vocabulary load with consistent shapes', async () => {
    const t = await fresh({ imageSize: 32, numTags: 48 });
    const m = await loadModel(t.dir);
    expect(m).toMatchObject({ id: 'tiny', zDim: 100, imageSize: 32, numTags: 48 });
    expect(m.card.name).toContain('tiny');
    expect(m.vocabulary.size).toBe(48);
    expect(m.vocabulary.lookup('金髪')?.name).toBe('blonde_hair');
    expect(m.model.inputs[0]!.shape).toEqual([null, 148]);
    expect(m.model.outputs[0]!.shape).toEqual([null, 32, 32, 3]);
    const y = m.model.predict(tf.zeros([2, 148])) as tf.Tensor;
    expect(y.shape).toEqual([2, 32, 32, 3]);
    const v = await y.data();
    expect(v.every((x) => x >= -1 && x <= 1)).toBe(true);
    tf.dispose(y);
    m.model.dispose();
  });

  it('GIVEN float16-quantised weights THEN the loaded kernels equal the decoded halves of weights.bin', async () => {
    const t = await fresh();
    const json = JSON.parse(await readFile(path.join(t.dir, 'model.json'), 'utf8'));
    const first = json.weightsManifest[0].weights[0];
    expect(first).toMatchObject({ name: 'fc/kernel', dtype: 'float32', quantization: { dtype: 'float16' } });
    const bytes = await readFile(path.join(t.dir, 'weights.bin'));
    const count = first.shape[0] * first.shape[1];
    const expected = decodeFloat16(new Uint8Array(bytes.buffer, bytes.byteOffset, count * 2));
    const m = await loadModel(t.dir);
    const kernel = m.model.getLayer('fc').getWeights()[0]!;
    expect(Array.from(await kernel.data())).toEqual(Array.from(expected));
    m.model.dispose();
  });

  it('GIVEN the same weights in 3 shards, or in float32 THEN they load too (the manifest is read generally)', async () => {
    const one = await loadModel((await fresh({ seed: 5 })).dir);
    const three = await loadModel((await fresh({ seed: 5, shards: 3 })).dir);
    const f32 = await loadModel((await fresh({ seed: 5, quantize: false })).dir);
    const x = tf.randomUniform([1, 148], 0, 1, 'float32', 1);
    const [a, b, c] = [one, three, f32].map((m) => m.model.predict(x) as tf.Tensor);
    expect(Array.from(await b!.data())).toEqual(Array.from(await a!.data()));
    const diff = (await tf.max(tf.abs(tf.sub(a!, c!))).data())[0]!;
    expect(diff).toBeLessThan(0.02); // float16 rounding only
    expect(diff).toBeGreaterThan(0);
    tf.dispose([x, a!, b!, c!]);
    for (const m of [one, three, f32]) m.model.dispose();
  });

  it('GIVEN a missing file THEN missing_file naming it', async () => {
    for (const name of ['tags.json', 'card.json', 'model.json', 'weights.bin']) {
      const t = await fresh();
      await unlink(path.join(t.dir, name));
      const e = await loadError(t.dir);
      expect(e.code).toBe('missing_file');
      expect(e.message).toContain(name);
      expect(e.file).toBe(path.join(t.dir, name));
    }
    expect((await loadError(path.join(root, 'no-such-model'))).code).toBe('missing_file');
  });

  it('GIVEN truncated weights THEN weights_size naming weights.bin with the bytes expected and found', async () => {
    const t = await fresh();
    await truncate(path.join(t.dir, 'weights.bin'), t.weightBytes - 10);
    const e = await loadError(t.dir);
    expect(e.code).toBe('weights_size');
    expect(e.message).toContain('weights.bin');
    expect(e.message).toContain('truncated');
    expect(e.message).toContain(String(t.weightBytes));
    expect(e.message).toContain(String(t.weightBytes - 10));
  });

  it('GIVEN corrupt JSON THEN bad_json naming the file', async () => {
    for (const name of ['model.json', 'tags.json', 'card.json']) {
      const t = await fresh();
      await writeFile(path.join(t.dir, name), '{"format": "layers-mo');
      const e = await loadError(t.dir);
      expect(e.code).toBe('bad_json');
      expect(e.message).toContain(name);
    }
  });

  it('GIVEN a card whose zDim + numTags differs from the input width THEN shape_mismatch naming model.json', async () => {
    const t = await fresh();
    await editJson(path.join(t.dir, 'card.json'), (c) => (c.zDim = 90));
    const e = await loadError(t.dir);
    expect(e.code).toBe('shape_mismatch');
    expect(e.message).toContain('model.json');
    expect(e.message).toContain('148');
    expect(e.message).toContain('138');
  });

  it('GIVEN a card imageSize other than the output size THEN shape_mismatch naming both sizes', async () => {
    const t = await fresh({ imageSize: 16 });
    await editJson(path.join(t.dir, 'card.json'), (c) => (c.imageSize = 64));
    const e = await loadError(t.dir);
    expect(e.code).toBe('shape_mismatch');
    expect(e.message).toMatch(/16, 16, 3.*64/);
  });

  it('GIVEN tags.json with fewer tags than card.numTags THEN tag_count', async () => {
    const t = await fresh();
    await editJson(path.join(t.dir, 'tags.json'), (j) => (j.tags as unknown[]).pop());
    const e = await loadError(t.dir);
    expect(e.code).toBe('tag_count');
    expect(e.message).toMatch(/tags\.json lists 47 tags.*48/);
  });

  it('GIVEN a tag listed twice THEN duplicate_tag', async () => {
    const t = await fresh();
    await editJson(path.join(t.dir, 'tags.json'), (j) => {
      const tags = j.tags as { name: string }[];
      tags[1]!.name = tags[0]!.name;
    });
    expect((await loadError(t.dir)).code).toBe('duplicate_tag');
  });

  it('GIVEN a card field of the wrong type THEN bad_format naming card.json and the field', async () => {
    const t = await fresh();
    await editJson(path.join(t.dir, 'card.json'), (c) => (c.numTags = 'many'));
    const e = await loadError(t.dir);
    expect(e.code).toBe('bad_format');
    expect(e.message).toContain('card.json');
    expect(e.message).toContain('numTags');
  });

  it('GIVEN a weight the graph lacks THEN tfjs_load naming model.json', async () => {
    const t = await fresh();
    await editJson(path.join(t.dir, 'model.json'), (j) => {
      const w = (j.weightsManifest as { weights: { name: string }[] }[])[0]!.weights;
      w[0]!.name = 'nonexistent/kernel';
    });
    const e = await loadError(t.dir);
    expect(e.code).toBe('tfjs_load');
    expect(e.message).toContain('model.json');
  });
});

describe('model metadata without tfjs', () => {
  it('GIVEN a models folder THEN findModelDirs lists the directories with a card.json and readModelFiles reads them', async () => {
    const base = path.join(root, 'models-root');
    await makeTinyModel(path.join(base, 'b-model'), { id: 'b-model' });
    await makeTinyModel(path.join(base, 'a-model'), { id: 'a-model', numTags: 20 });
    await writeFile(path.join(base, 'README.txt'), 'not a model');
    const dirs = await findModelDirs(base);
    expect(dirs.map((d) => path.basename(d))).toEqual(['a-model', 'b-model']);
    const f = await readModelFiles(dirs[0]!);
    expect(f).toMatchObject({ id: 'a-model', zDim: 100, numTags: 20, imageSize: 16 });
    expect(f.vocabulary.size).toBe(20);
    expect(await findModelDirs(path.join(root, 'nothing-here'))).toEqual([]);
  });
});
