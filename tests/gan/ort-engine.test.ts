import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/gan/engine.ts';
import { ModelLoadError } from '../../src/gan/errors.ts';
import { OrtEngine, sessionBase } from '../../src/gan/ort-engine.ts';
import { readModelFiles } from '../../src/gan/model-files.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

const DEFAULT = path.resolve('models/default');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-ort-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of the bundled model that a test may break. */
async function copyOfDefault(name: string): Promise<string> {
  const dir = path.join(root, name);
  await cp(DEFAULT, dir, { recursive: true });
  return dir;
}

function rows(seeds: number[], numTags: number): Float32Array {
  const w = 100 + numTags;
  const x = new Float32Array(seeds.length * w);
  seeds.forEach((s, i) => {
    x.set(seedToZ(s), i * w);
    x[i * w + 100] = 1; // the first tag (blonde_hair)
  });
  return x;
}

describe('ONNX Runtime engine', () => {
  it("GIVEN the CPU provider's session options THEN its threads do not spin while idle unless GFF_ORT_SPIN=1", () => {
    expect(sessionBase(2, undefined)).toMatchObject({ intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } } });
    expect(sessionBase(2, '0').extra.session.intra_op.allow_spinning).toBe('0');
    expect(sessionBase(1, '1').extra.session.intra_op.allow_spinning).toBe('1');
  });

  it('GIVEN the bundled model and backend auto THEN ONNX Runtime serves on the CPU provider and draws the same bytes as tfjs-wasm within 1/255', async () => {
    const ortEngine = await createEngine({ modelDirs: [DEFAULT] });
    expect(ortEngine.backend.name).toBe('onnxruntime');
    expect(ortEngine.backend.executionProvider).toBe('cpu');
    expect(ortEngine.backend.reason).toMatch(/ONNX Runtime .*CPU execution provider, \d+ threads/);
    const wasm = await createEngine({ modelDirs: [DEFAULT], backend: 'wasm' });
    expect(wasm.backend.name).toBe('wasm');
    // Whatever model is bundled: its own id, tag count and size.
    const card = JSON.parse(await readFile(path.join(DEFAULT, 'card.json'), 'utf8')) as { id: string; numTags: number; imageSize: number };
    const x = rows([1, 2, 3, 4096], card.numTags);
    const a = await ortEngine.run(card.id, x, 4);
    const b = await wasm.run(card.id, x, 4);
    expect(a.length).toBe(4 * card.imageSize * card.imageSize * 3);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
    await ortEngine.dispose();
    await wasm.dispose();
  });

  it('GIVEN a model without model.onnx THEN one clear reason names the file and tfjs serves', async () => {
    const dir = await copyOfDefault('no-onnx');
    await rm(path.join(dir, 'model.onnx'));
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (_: object, msg?: string) => warnings.push(msg ?? ''), error: () => {} };
    const engine = await createEngine({ modelDirs: [dir], backend: 'auto', log });
    expect(engine.backend.name).not.toBe('onnxruntime');
    expect(engine.backend.skipped[0]).toMatchObject({ name: 'onnxruntime' });
    expect(engine.backend.skipped[0]!.error).toMatch(/model\.onnx is missing/);
    expect(engine.backend.reason).toMatch(/onnxruntime: .*model\.onnx is missing/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('\n');
    await engine.dispose();
  });

  it('GIVEN a corrupt model.onnx of the right size THEN the checksum refuses it and tfjs serves', async () => {
    const dir = await copyOfDefault('corrupt-onnx');
    const file = path.join(dir, 'model.onnx');
    const bytes = await readFile(file);
    bytes.fill(7, 1000, 2000);
    await writeFile(file, bytes);
    const engine = await createEngine({ modelDirs: [dir], backend: 'auto' });
    expect(engine.backend.name).not.toBe('onnxruntime');
    expect(engine.backend.skipped[0]!.error).toMatch(/model\.onnx does not match the SHA-256 in card\.json/);
    await engine.dispose();
  });

  it('GIVEN garbage in model.onnx and no checksum THEN ONNX Runtime reports it cannot load the file', async () => {
    const dir = await copyOfDefault('garbage-onnx');
    const card = JSON.parse(await readFile(path.join(dir, 'card.json'), 'utf8'));
    delete card.files;
    await writeFile(path.join(dir, 'card.json'), JSON.stringify(card));
    await writeFile(path.join(dir, 'model.onnx'), Buffer.from('not a model at all'));
    await expect(OrtEngine.create({ modelDirs: [dir] })).rejects.toThrow(/model\.onnx cannot be loaded/);
  });

  it('GIVEN another network whose model.onnx takes other inputs than card.json says THEN it is refused in one line', async () => {
    const tiny = await makeTinyModel(path.join(root, 'tiny'), { id: 'tiny', imageSize: 16, numTags: 6 });
    await cp(path.join(DEFAULT, 'model.onnx'), path.join(tiny.dir, 'model.onnx'));
    await expect(OrtEngine.create({ modelDirs: [tiny.dir] })).rejects.toThrow(/takes inputs of shape \[batch, 148\], but card\.json needs \[batch, 106\]/);
    const engine = await createEngine({ modelDirs: [tiny.dir] });
    expect(engine.backend.name).toBe('wasm');
    await engine.dispose();
  });

  it('GIVEN GFF_BACKEND-style preference wasm THEN ONNX Runtime is not tried', async () => {
    const engine = await createEngine({ modelDirs: [DEFAULT], backend: 'wasm' });
    expect(engine.backend).toMatchObject({ name: 'wasm', skipped: [] });
    await engine.dispose();
  });
});

describe('model file checksums (card.json files)', () => {
  it('GIVEN weights.bin replaced by random bytes of the same size THEN loading refuses it in one line naming the file', async () => {
    const dir = await copyOfDefault('bad-weights');
    const file = path.join(dir, 'weights.bin');
    const bytes = await readFile(file);
    for (let i = 0; i < bytes.length; i += 2) bytes[i] = (i * 7919) & 0xff;
    await writeFile(file, bytes);
    const err = await readModelFiles(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).code).toBe('checksum');
    expect((err as Error).message).toMatch(/weights\.bin does not match the SHA-256 in card\.json/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('GIVEN corrupt tfjs weights THEN the engine refuses the model with that reason instead of quietly falling back', async () => {
    const dir = await copyOfDefault('bad-weights-engine');
    const file = path.join(dir, 'weights.bin');
    const bytes = await readFile(file);
    bytes[10] = bytes[10]! ^ 0xff;
    await writeFile(file, bytes);
    const err = await createEngine({ modelDirs: [dir] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).code).toBe('checksum');
  });

  it('GIVEN the bundled model THEN its card lists every file with a matching checksum', async () => {
    const files = await readModelFiles(DEFAULT);
    expect(files.card.files?.map((f) => f.name).sort()).toEqual(['model.json', 'model.onnx', 'tags.json', 'weights.bin']);
  });
});
