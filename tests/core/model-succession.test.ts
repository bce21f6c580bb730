/**
 * A new default model takes models/default/ while the old one moves to its own folder and
 * lists the id it had ("default") in card.json formerIds: girls stored under the old id —
 * share codes, favourites, pictures — still draw exactly as before, and new ones use the new model.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gacha } from '../../src/core/gacha.ts';
import { generate } from '../../src/core/generate.ts';
import { girlFromCode, shareCodeOf } from '../../src/core/girl.ts';
import { requireModel } from '../../src/core/catalog.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

let before: string;
let after: string;
let oldRuntime: Runtime;
let newRuntime: Runtime;

beforeAll(async () => {
  before = await mkdtemp(path.join(tmpdir(), 'gff-before-'));
  after = await mkdtemp(path.join(tmpdir(), 'gff-after-'));
  await makeTinyModel(path.join(before, 'default'), { seed: 1 });
  // The same weights (seed 1) under their new name, and a different new default.
  await makeTinyModel(path.join(after, 'lorelei64-v1'), { id: 'lorelei64-v1', formerIds: ['default'], seed: 1 });
  await makeTinyModel(path.join(after, 'default'), { id: 'lorelei128-v2', seed: 9 });
  oldRuntime = await startRuntime({ modelsDir: before, workers: 0 });
  newRuntime = await startRuntime({ modelsDir: after, workers: 0 });
});
afterAll(async () => {
  await oldRuntime.close();
  await newRuntime.close();
  await rm(before, { recursive: true, force: true });
  await rm(after, { recursive: true, force: true });
});

describe('model succession (card.json formerIds)', () => {
  it('GIVEN a share code made before the swap THEN it finds the old model and draws the same picture byte for byte', async () => {
    const made = await gacha(oldRuntime.context(), { seed: 42, count: 1, tags: 'red hair, smile' });
    const code = shareCodeOf(made.girls[0]!);
    expect(made.girls[0]!.modelId).toBe('default');
    const then = await generate(oldRuntime.context(), { code });
    const now = await generate(newRuntime.context(), { code });
    expect(now.attachments[0]!.data.equals(then.attachments[0]!.data)).toBe(true);
    expect(requireModel(newRuntime.catalog, girlFromCode(newRuntime.catalog, code).modelId).id).toBe('lorelei64-v1');
  });

  it('GIVEN no model named THEN new girls come from the model in models/default, and both models are listed under their own ids', async () => {
    const fresh = await gacha(newRuntime.context(), { seed: 42, count: 1, tags: 'red hair, smile' });
    expect(fresh.girls[0]!.modelId).toBe('lorelei128-v2');
    expect(newRuntime.catalog.defaultModelId).toBe('lorelei128-v2');
    expect(newRuntime.catalog.ids().sort()).toEqual(['lorelei128-v2', 'lorelei64-v1']);
  });
});
