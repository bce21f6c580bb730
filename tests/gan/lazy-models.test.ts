/**
 * Models other than the default get their ONNX Runtime session on first use and lose it when
 * idle (issue 33: every session held from start-up took five models past 350 MB). On the
 * bundled models: the default and lorelei64-v1 (an old model, as an old share code draws it).
 * Idleness is simulated with a later `now` given to sweep(), never waited for.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/bot/errors.ts';
import { GeneratorError } from '../../src/gan/errors.ts';
import { GeneratorService } from '../../src/gan/generator-service.ts';
import { readModelFiles } from '../../src/gan/model-files.ts';
import { OrtEngine } from '../../src/gan/ort-engine.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';

const MODELS = path.resolve('models');
const DEFAULT = path.join(MODELS, 'default');
const OLD = path.join(MODELS, 'lorelei64-v1');
const IDLE_MS = 60_000;
let root: string;
let defaultId: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-lazy-'));
  defaultId = (await readModelFiles(DEFAULT)).id;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** [seeds.length, 148] rows: z from each seed, the first tag set. */
function rows(seeds: number[]): Float32Array {
  const x = new Float32Array(seeds.length * 148);
  seeds.forEach((s, i) => {
    x.set(seedToZ(s), i * 148);
    x[i * 148 + 100] = 1;
  });
  return x;
}

const lazyEngine = () => OrtEngine.create({ modelDirs: [DEFAULT, OLD], threads: 1, lazy: { resident: [defaultId], idleMs: IDLE_MS, maxLoaded: 2 } });

describe('models loaded on first use', () => {
  it('GIVEN an old model beside the default THEN only the default has a session at start, and the old one gets it on its first batch, drawing what an engine that loaded it at start draws', async () => {
    const engine = await lazyEngine();
    try {
      expect([...engine.models.keys()]).toEqual([defaultId, 'lorelei64-v1']);
      expect(engine.loaded()).toEqual([defaultId]);
      expect(engine.sessionsCreated).toBe(1);
      const pixels = await engine.run('lorelei64-v1', rows([7, 4096]), 2);
      expect(engine.loaded().sort()).toEqual([defaultId, 'lorelei64-v1'].sort());
      expect(engine.sessionsCreated).toBe(2);
      const eager = await OrtEngine.create({ modelDirs: [OLD], threads: 1 });
      try {
        expect(pixels).toEqual(await eager.run('lorelei64-v1', rows([7, 4096]), 2));
      } finally {
        await eager.dispose();
      }
    } finally {
      await engine.dispose();
    }
  });

  it('GIVEN two first batches of a cold model at once THEN one session is built for both', async () => {
    const engine = await lazyEngine();
    try {
      const [a, b] = await Promise.all([engine.run('lorelei64-v1', rows([1]), 1), engine.run('lorelei64-v1', rows([2]), 1)]);
      expect(engine.sessionsCreated).toBe(2); // the default's and one more
      expect(a).not.toEqual(b);
    } finally {
      await engine.dispose();
    }
  });

  it('GIVEN the old model idle past the limit THEN its session is released, the default kept, and the next batch loads it again and draws the same bytes for the same seed', async () => {
    const engine = await lazyEngine();
    try {
      const before = await engine.run('lorelei64-v1', rows([42]), 1);
      engine.sweep(performance.now() + IDLE_MS / 2);
      expect(engine.loaded()).toContain('lorelei64-v1');
      engine.sweep(performance.now() + IDLE_MS + 1);
      expect(engine.loaded()).toEqual([defaultId]);
      const after = await engine.run('lorelei64-v1', rows([42]), 1);
      expect(engine.sessionsCreated).toBe(3);
      expect(after).toEqual(before);
    } finally {
      await engine.dispose();
    }
  });

  it('GIVEN a cold model whose model.onnx is corrupt THEN start-up names it (card.json SHA-256) without building its session', async () => {
    const dir = path.join(root, 'corrupt');
    await cp(OLD, dir, { recursive: true });
    const file = path.join(dir, 'model.onnx');
    const bytes = await readFile(file);
    bytes.fill(7, 1000, 2000);
    await writeFile(file, bytes);
    const load = await OrtEngine.createEach({ modelDirs: [DEFAULT, dir], threads: 1, lazy: { resident: [defaultId], idleMs: IDLE_MS, maxLoaded: 2 } });
    try {
      expect(load.rejected).toEqual([{ id: 'lorelei64-v1', dir, reason: expect.stringMatching(/model\.onnx does not match the SHA-256 in card\.json/) }]);
      expect([...load.engine!.models.keys()]).toEqual([defaultId]);
      expect(load.engine!.sessionsCreated).toBe(1);
    } finally {
      await load.engine?.dispose();
    }
  });

  it('GIVEN a cold model whose model.onnx is another network, re-carded so that start-up passes it THEN its first request fails with a clear error, again on the next, and the default draws on', async () => {
    // lorelei128-v2-preview's card with lorelei128-v2's network: same inputs and size, SHA-256
    // updated, so only the probe at first load can tell.
    const dir = path.join(root, 'swapped');
    await cp(path.join(MODELS, 'lorelei128-v2-preview'), dir, { recursive: true });
    const bytes = await readFile(path.join(MODELS, 'lorelei128-v2', 'model.onnx'));
    await writeFile(path.join(dir, 'model.onnx'), bytes);
    const card = JSON.parse(await readFile(path.join(dir, 'card.json'), 'utf8'));
    const entry = card.files.find((f: { name: string }) => f.name === 'model.onnx');
    entry.sha256 = createHash('sha256').update(bytes).digest('hex');
    entry.bytes = bytes.length;
    await writeFile(path.join(dir, 'card.json'), JSON.stringify(card));

    const warnings: string[] = [];
    const log = { info: () => {}, warn: (_: object, msg?: string) => warnings.push(msg ?? ''), error: () => {} };
    const svc = await GeneratorService.create({ modelDirs: [DEFAULT, dir], defaultModelId: defaultId, workers: 0, log });
    try {
      expect(svc.backend?.name).toBe('onnxruntime');
      expect(warnings).toEqual([]); // nothing wrong that start-up could see
      const tags = new Float32Array(48);
      const ask = () => svc.generate([{ modelId: 'lorelei128-v2-preview', z: seedToZ(1), tags }]);
      const err = await ask().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GeneratorError);
      expect((err as GeneratorError).code).toBe('model_unavailable');
      expect((err as Error).message).toMatch(
        /^The model "lorelei128-v2-preview" cannot draw right now \(.*model\.onnx: it draws other pictures than card\.json's probe fingerprint/,
      );
      expect((err as Error).message).not.toContain('\n');
      expect((err as GeneratorError).detail).toEqual({ key: 'model.unavailable', vars: { model: 'lorelei128-v2-preview' } });
      expect(warnings).toHaveLength(1); // the operator's line
      // The bot tells the user that (in their language), not "the generator is out of order".
      expect(explain(err, 'en')).toBe((err as Error).message);
      expect(explain(err, 'ja')).toBe('モデル「lorelei128-v2-preview」は今は描けません（読み込み時の検査に通りませんでした）。ほかのモデルの画像は描けます。');
      await expect(ask()).rejects.toMatchObject({ code: 'model_unavailable' });
      const [picture] = await svc.generate([{ z: seedToZ(1), tags }]);
      expect(picture).toMatchObject({ width: 128, height: 128 });
    } finally {
      await svc.close();
    }
  });
});
