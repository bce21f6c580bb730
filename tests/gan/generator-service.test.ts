import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusyError, GeneratorError } from '../../src/gan/errors.ts';
import { GeneratorService, type GenerateRequest } from '../../src/gan/generator-service.ts';
import type { RawImage } from '../../src/gan/image.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { makeTinyModel, type TinyModel } from '../../testkit/tiny-model.ts';

let root: string;
let tiny: TinyModel;
let small: TinyModel;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-service-'));
  tiny = await makeTinyModel(path.join(root, 'tiny'), { id: 'tiny', imageSize: 16 });
  small = await makeTinyModel(path.join(root, 'small'), { id: 'small', imageSize: 16, numTags: 12, seed: 2 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function tagsOf(numTags: number, ...on: number[]): Float32Array {
  const t = new Float32Array(numTags);
  for (const i of on) t[i] = 1;
  return t;
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Each request drawn alone, one after the other: the reference pictures. */
async function oneByOne(svc: GeneratorService, requests: GenerateRequest[]): Promise<RawImage[]> {
  const out: RawImage[] = [];
  for (const r of requests) out.push(...(await svc.generate([r])));
  return out;
}

describe('GeneratorService in-process (workers: 0)', () => {
  it('GIVEN 40 concurrent single-image requests THEN fewer forward passes than requests and each caller gets its own picture', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0 });
    try {
      const tags = tagsOf(48, 0, 27);
      const requests = Array.from({ length: 40 }, (_, i) => ({ z: seedToZ(i), tags }));
      const results = await Promise.all(requests.map((r) => svc.generate([r])));
      const stats = svc.stats();
      expect(stats.images).toBe(40);
      expect(stats.batches).toBeLessThan(40);
      expect(stats.batches).toBeGreaterThanOrEqual(3); // maxBatch 16
      const reference = await oneByOne(svc, requests);
      results.forEach((r, i) => {
        expect(r).toHaveLength(1);
        expect(r[0]).toMatchObject({ width: 16, height: 16, channels: 3 });
        expect(r[0]!.data).toEqual(reference[i]!.data);
      });
      // The pictures really differ from caller to caller.
      expect(results[0]![0]!.data).not.toEqual(results[1]![0]!.data);
    } finally {
      await svc.close();
    }
  });

  it('GIVEN one request of 20 images with maxBatch 8 THEN it spans 3 batches and comes back in order', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0, maxBatch: 8 });
    try {
      const requests = Array.from({ length: 20 }, (_, i) => ({ z: seedToZ(100 + i), tags: tagsOf(48, i) }));
      const images = await svc.generate(requests);
      expect(svc.stats().batches).toBe(3);
      const reference = await oneByOne(svc, requests);
      images.forEach((img, i) => expect(img.data).toEqual(reference[i]!.data));
    } finally {
      await svc.close();
    }
  });

  it('GIVEN two models THEN requests mixing them are batched per model and each picture comes from its model', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir, small.dir], workers: 0 });
    try {
      expect([...svc.models().keys()]).toEqual(['tiny', 'small']);
      expect(svc.defaultModelId).toBe('tiny');
      expect(svc.model('small').vocabulary.size).toBe(12);
      const requests: GenerateRequest[] = [
        { z: seedToZ(1), tags: tagsOf(48, 1) },
        { modelId: 'small', z: seedToZ(1), tags: tagsOf(12, 1) },
        { modelId: 'tiny', z: seedToZ(2), tags: tagsOf(48) },
        { modelId: 'small', z: seedToZ(2), tags: tagsOf(12) },
      ];
      const images = await svc.generate(requests);
      expect(svc.stats().batches).toBe(2);
      const reference = await oneByOne(svc, requests);
      images.forEach((img, i) => expect(img.data).toEqual(reference[i]!.data));
      expect(images[0]!.data).not.toEqual(images[1]!.data);
    } finally {
      await svc.close();
    }
  });

  it('GIVEN a full queue THEN BusyError with retryAfterMs; a request larger than the queue THEN request_too_large', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0, maxQueue: 8, maxWaitMs: 50 });
    try {
      const req = { z: seedToZ(1), tags: tagsOf(48) };
      const first = svc.generate(Array.from({ length: 8 }, () => req)); // fills the queue (waits 50 ms for company)
      const busy = await errorOf(svc.generate([req]));
      expect(busy).toBeInstanceOf(BusyError);
      expect((busy as BusyError).code).toBe('busy');
      expect((busy as BusyError).retryAfterMs).toBeGreaterThan(0);
      expect(busy.message).toMatch(/busy.*try again in \d+ s/);
      const tooLarge = await errorOf(svc.generate(Array.from({ length: 9 }, () => req)));
      expect(tooLarge).toMatchObject({ code: 'request_too_large' });
      expect(await first).toHaveLength(8);
      expect(await svc.generate([req])).toHaveLength(1); // room again
    } finally {
      await svc.close();
    }
  });

  it('GIVEN one user with maxQueuePerOwner images waiting THEN their next request is refused naming how many wait, while other users and a first big request still get in', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0, maxQueue: 100, maxQueuePerOwner: 8, maxWaitMs: 50 });
    try {
      const req = { z: seedToZ(1), tags: tagsOf(48) };
      const mine = svc.generate(
        Array.from({ length: 8 }, () => req),
        { owner: 'alice' },
      ); // waits 50 ms for company
      const busy = await errorOf(svc.generate([req], { owner: 'alice' }));
      expect(busy).toBeInstanceOf(BusyError);
      expect(busy).toMatchObject({ code: 'busy', ownQueued: 8 });
      expect(busy.message).toMatch(/^8 of your pictures are still waiting.*about \d+ s/);
      expect(svc.stats()).toMatchObject({ queueLength: 8, queuedOwners: 1 });
      const others = [
        svc.generate([req], { owner: 'bob' }),
        svc.generate([req]),
        svc.generate(
          Array.from({ length: 12 }, () => req),
          { owner: 'carol' },
        ),
      ];
      expect((await Promise.all(others)).map((r) => r.length)).toEqual([1, 1, 12]);
      expect(await mine).toHaveLength(8);
      expect(await svc.generate([req], { owner: 'alice' })).toHaveLength(1); // hers have landed: room again
    } finally {
      await svc.close();
    }
  });

  it('GIVEN an unknown model or malformed vectors THEN typed errors that name the problem', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0 });
    try {
      const unknown = await errorOf(svc.generate([{ modelId: 'nope', z: seedToZ(1), tags: tagsOf(48) }]));
      expect(unknown).toBeInstanceOf(GeneratorError);
      expect(unknown).toMatchObject({ code: 'unknown_model' });
      expect(unknown.message).toContain('tiny');
      expect(await errorOf(svc.generate([{ z: seedToZ(1, 50), tags: tagsOf(48) }]))).toMatchObject({ code: 'bad_request' });
      expect(await errorOf(svc.generate([{ z: seedToZ(1), tags: tagsOf(47) }]))).toMatchObject({ code: 'bad_request' });
      const nan = seedToZ(1);
      nan[3] = NaN;
      expect(await errorOf(svc.generate([{ z: nan, tags: tagsOf(48) }]))).toMatchObject({ code: 'bad_request' });
      expect(await errorOf(svc.generate([{ z: seedToZ(1), tags: tagsOf(48).fill(2) }]))).toMatchObject({ code: 'bad_request' });
      expect(await svc.generate([])).toEqual([]);
      expect(() => svc.model('nope')).toThrow(GeneratorError);
    } finally {
      await svc.close();
    }
  });

  it('GIVEN 1000 requests THEN the live tensor count is the same before and after', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0, maxQueue: 1000 });
    try {
      const before = svc.stats().workers[0]!.numTensors;
      expect(before).toBeGreaterThan(0); // the weights
      const tags = tagsOf(48, 3);
      const all = await Promise.all(Array.from({ length: 1000 }, (_, i) => svc.generate([{ z: seedToZ(i), tags }])));
      expect(all).toHaveLength(1000);
      const stats = svc.stats();
      expect(stats.images).toBe(1000);
      expect(stats.queueLength).toBe(0);
      expect(stats.inFlight).toBe(0);
      expect(stats.workers[0]!.numTensors).toBe(before);
    } finally {
      await svc.close();
    }
  });

  it('GIVEN close() with requests queued THEN they are rejected with closed, and later calls too', async () => {
    const svc = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 0, maxWaitMs: 1000 });
    const pending = svc.generate([{ z: seedToZ(1), tags: tagsOf(48) }]);
    await svc.close();
    expect(await errorOf(pending)).toMatchObject({ code: 'closed' });
    expect(await errorOf(svc.generate([{ z: seedToZ(1), tags: tagsOf(48) }]))).toMatchObject({ code: 'closed' });
    await svc.close(); // twice is fine
  });

  it('GIVEN a models folder THEN the service finds the models and prefers "default"', async () => {
    const base = path.join(root, 'models');
    await makeTinyModel(path.join(base, 'alpha'), { id: 'alpha' });
    await makeTinyModel(path.join(base, 'default'), { id: 'default' });
    const svc = await GeneratorService.create({ modelsRoot: base, workers: 0 });
    try {
      expect(svc.defaultModelId).toBe('default');
      expect(svc.backend?.name).toBe('wasm');
    } finally {
      await svc.close();
    }
    await expect(GeneratorService.create({ modelsRoot: path.join(root, 'empty'), workers: 0 })).rejects.toMatchObject({ code: 'missing_file' });
  });

  it('GIVEN a new default in models/default and the old model moved with formerIds ["default"] THEN new pictures use the folder, and the old id draws the old model', async () => {
    const base = path.join(root, 'models-renamed');
    await makeTinyModel(path.join(base, 'default'), { id: 'lorelei128-v2', seed: 5 });
    await makeTinyModel(path.join(base, 'lorelei64-v1'), { id: 'lorelei64-v1', formerIds: ['default'], seed: 6 });
    for (const defaultModelId of [undefined, 'default']) {
      const svc = await GeneratorService.create({ modelsRoot: base, workers: 0, ...(defaultModelId ? { defaultModelId } : {}) });
      try {
        expect(svc.defaultModelId).toBe('lorelei128-v2');
        expect(svc.model('default').id).toBe('lorelei64-v1');
        expect(svc.resolveId('nothing')).toBeUndefined();
        const req = { z: seedToZ(3), tags: tagsOf(48, 0) };
        const [old] = await svc.generate([{ ...req, modelId: 'default' }]);
        const [same] = await svc.generate([{ ...req, modelId: 'lorelei64-v1' }]);
        const [fresh] = await svc.generate([req]);
        expect(Buffer.from(old!.data).equals(Buffer.from(same!.data))).toBe(true);
        expect(Buffer.from(old!.data).equals(Buffer.from(fresh!.data))).toBe(false);
      } finally {
        await svc.close();
      }
    }
  });

  it('GIVEN a former id that another model has or claims THEN start-up refuses, naming both folders', async () => {
    const taken = path.join(root, 'models-taken');
    await makeTinyModel(path.join(taken, 'a'), { id: 'a' });
    await makeTinyModel(path.join(taken, 'b'), { id: 'b', formerIds: ['a'] });
    await expect(GeneratorService.create({ modelsRoot: taken, workers: 0 })).rejects.toMatchObject({
      code: 'bad_format',
      message: expect.stringContaining('former id "a"'),
    });
    const twice = path.join(root, 'models-twice');
    await makeTinyModel(path.join(twice, 'a'), { id: 'a', formerIds: ['old'] });
    await makeTinyModel(path.join(twice, 'b'), { id: 'b', formerIds: ['old'] });
    await expect(GeneratorService.create({ modelsRoot: twice, workers: 0 })).rejects.toMatchObject({
      code: 'bad_format',
      message: expect.stringContaining('former id "old"'),
    });
  });
});
