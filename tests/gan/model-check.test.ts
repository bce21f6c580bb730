/**
 * Model checks at load (issue 30, item 16): a model.onnx is checked against card.json's probe
 * fingerprint (or, without one, against the tfjs weights) and for NaN or flat output; a bad
 * one moves that model — only that one — to TensorFlow.js; tfjs weights that draw NaN are
 * refused at warm-up.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/gan/engine.ts';
import { ModelLoadError } from '../../src/gan/errors.ts';
import { fingerprintDistance, fingerprintOf, outputProblem, PROBE_ROWS, probeInput } from '../../src/gan/model-check.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

const MODELS = path.resolve('models');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-check-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function copyOf(id: string, name: string): Promise<string> {
  const dir = path.join(root, name);
  await cp(path.join(MODELS, id), dir, { recursive: true });
  return dir;
}

/** Puts `bytes` in as model.onnx and "re-cards" it: card.json's SHA-256 and size follow, as a careless re-export would. */
async function recardOnnx(dir: string, bytes: Uint8Array, dropProbe = false): Promise<void> {
  await writeFile(path.join(dir, 'model.onnx'), bytes);
  const card = JSON.parse(await readFile(path.join(dir, 'card.json'), 'utf8'));
  const entry = card.files.find((f: { name: string }) => f.name === 'model.onnx');
  entry.sha256 = createHash('sha256').update(bytes).digest('hex');
  entry.bytes = bytes.length;
  if (dropProbe) delete card.probe;
  await writeFile(path.join(dir, 'card.json'), JSON.stringify(card));
}

const logger = (warnings: string[]) => ({ info: () => {}, warn: (_: object, msg?: string) => warnings.push(msg ?? ''), error: () => {} });

describe('probe checks', () => {
  it('GIVEN outputs with NaN, a flat square, or a picture THEN the first two are named and the picture passes', () => {
    const size = 8;
    const n = PROBE_ROWS * size * size * 3;
    const picture = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7));
    expect(outputProblem(picture, PROBE_ROWS, size)).toBeUndefined();
    const nan = picture.slice();
    nan[5] = Number.NaN;
    expect(outputProblem(nan, PROBE_ROWS, size)).toMatch(/1 NaN or infinite value/);
    const black = new Float32Array(n).fill(-0.99);
    expect(outputProblem(black, PROBE_ROWS, size)).toMatch(/flat picture/);
    expect(fingerprintDistance(fingerprintOf(picture, PROBE_ROWS, size), fingerprintOf(picture, PROBE_ROWS, size))).toBe(0);
    expect(probeInput(3, 2)).toEqual(probeInput(3, 2)); // the same probe every time
  });
});

describe('model.onnx checked at load, per model', () => {
  it('GIVEN two models, one whose model.onnx is another network of the same shape, re-carded THEN only that one draws on tfjs, as its tfjs weights do', async () => {
    const good = await copyOf('lorelei64-v1', 'good');
    const swapped = await copyOf('default', 'swapped');
    await recardOnnx(swapped, await readFile(path.join(MODELS, 'lorelei128-v2-preview', 'model.onnx')));
    const warnings: string[] = [];
    const engine = await createEngine({ modelDirs: [good, swapped], log: logger(warnings) });
    try {
      // Before: ONNX Runtime served both, the swapped one drawing another network's faces.
      expect(engine.backend.name).toBe('onnxruntime');
      const card = JSON.parse(await readFile(path.join(swapped, 'card.json'), 'utf8'));
      expect(engine.backend.modelBackends).toEqual({ 'lorelei64-v1': 'onnxruntime', [card.id]: 'wasm' });
      expect(warnings.join('\n')).toMatch(/model\.onnx: it draws other pictures than card\.json's probe fingerprint/);
      // What it draws now is its tfjs weights' picture.
      const wasm = await createEngine({ modelDirs: [swapped], backend: 'wasm' });
      const x = probeInput(card.zDim, card.numTags);
      expect(await engine.run(card.id, x, PROBE_ROWS)).toEqual(await wasm.run(card.id, x, PROBE_ROWS));
      await wasm.dispose();
    } finally {
      await engine.dispose();
    }
  });

  it('GIVEN an old model without model.onnx beside a good one THEN only the old one draws on tfjs (was: every model moved)', async () => {
    const good = await copyOf('default', 'good-too');
    const old = await copyOf('lorelei64-v1', 'old-no-onnx');
    await rm(path.join(old, 'model.onnx'));
    const engine = await createEngine({ modelDirs: [good, old] });
    try {
      const id = JSON.parse(await readFile(path.join(good, 'card.json'), 'utf8')).id;
      expect(engine.backend.name).toBe('onnxruntime');
      expect(engine.backend.modelBackends).toEqual({ [id]: 'onnxruntime', 'lorelei64-v1': 'wasm' });
      expect(engine.backend.reason).toMatch(/lorelei64-v1 on TensorFlow\.js wasm/);
      expect((await engine.run('lorelei64-v1', probeInput(100, 48), PROBE_ROWS)).length).toBe(PROBE_ROWS * 64 * 64 * 3);
    } finally {
      await engine.dispose();
    }
  });

  it('GIVEN a card without a probe fingerprint and another network in model.onnx THEN the tfjs weights are the reference and that model draws on tfjs', async () => {
    const dir = await copyOf('default', 'no-probe');
    await recardOnnx(dir, await readFile(path.join(MODELS, 'lorelei128-v2-preview', 'model.onnx')), true);
    const engine = await createEngine({ modelDirs: [dir] });
    try {
      expect(engine.backend.name).not.toBe('onnxruntime');
      expect(engine.backend.skipped[0]!.error).toMatch(/draws other pictures than the tfjs weights/);
    } finally {
      await engine.dispose();
    }
  });

  it('GIVEN the bundled models untouched THEN every one stays on ONNX Runtime (their fingerprints match)', async () => {
    const dirs = ['default', 'lorelei64-v1', 'lorelei128-v2-preview'].map((id) => path.join(MODELS, id));
    const engine = await createEngine({ modelDirs: dirs });
    try {
      expect(engine.backend.name).toBe('onnxruntime');
      expect(engine.backend.modelBackends).toBeUndefined();
      expect(engine.models.size).toBe(3);
    } finally {
      await engine.dispose();
    }
  });

  it('GIVEN a model.onnx whose weights turned to NaN, re-carded THEN it is refused for that reason and tfjs serves', async () => {
    const dir = await copyOf('lorelei64-v1', 'nan-onnx');
    const bytes = await readFile(path.join(dir, 'model.onnx'));
    // 0xff…: NaN in float32 and float16 alike; the middle of the file is weights.
    bytes.fill(0xff, bytes.length >> 1, (bytes.length >> 1) + 65536);
    await recardOnnx(dir, bytes);
    const engine = await createEngine({ modelDirs: [dir] });
    try {
      expect(engine.backend.name).not.toBe('onnxruntime');
      expect(engine.backend.skipped[0]!.error).toMatch(/NaN or infinite|flat picture|draws other pictures/);
    } finally {
      await engine.dispose();
    }
  });
});

describe('tfjs warm-up', () => {
  it('GIVEN tfjs weights that draw NaN THEN the model is refused in one line instead of drawing black squares', async () => {
    const tiny = await makeTinyModel(path.join(root, 'tiny-nan'), { id: 'tinynan', imageSize: 16, numTags: 6 });
    const weights = path.join(tiny.dir, 'weights.bin');
    const bytes = await readFile(weights);
    bytes.fill(0xff);
    await writeFile(weights, bytes);
    const err = await createEngine({ modelDirs: [tiny.dir], backend: 'wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).code).toBe('bad_output');
    expect((err as Error).message).toMatch(/model\.json cannot draw: its output holds \d+ NaN/);
    expect((err as Error).message).not.toContain('\n');
  });
});
