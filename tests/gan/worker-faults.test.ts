/** Issue #10 items 12–13: a worker that hangs is timed out and restarted; slots that crashed too often are revived with back-off. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeneratorError } from '../../src/gan/errors.ts';
import { GeneratorService, type GenerateRequest } from '../../src/gan/generator-service.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { makeTinyModel, type TinyModel } from '../../testkit/tiny-model.ts';

let root: string;
let tiny: TinyModel;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gff-faults-'));
  tiny = await makeTinyModel(path.join(root, 'tiny'), { id: 'tiny', imageSize: 16 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const tags = new Float32Array(48);
const requests: GenerateRequest[] = Array.from({ length: 3 }, (_, i) => ({ z: seedToZ(500 + i), tags }));
const failure = (p: Promise<unknown>) =>
  p.then(
    () => new Error('expected a failure'),
    (e: Error) => e,
  );

function recordingLog() {
  const lines: { level: string; obj: unknown; msg: string | undefined }[] = [];
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void =>
      void lines.push({ level, obj, msg });
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('item 12: a batch that never comes back', () => {
  it('GIVEN a worker that stops answering THEN the batch fails with worker_timeout after batchTimeoutMs, the worker is restarted and serves the next request', async () => {
    const pool = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 1, batchTimeoutMs: 400, faultInjection: { hangOnBatch: 1 } });
    try {
      const started = performance.now();
      const err = await failure(pool.generate(requests));
      expect(err).toBeInstanceOf(GeneratorError);
      expect(err).toMatchObject({ code: 'worker_timeout' });
      expect(err.message).toMatch(/did not answer within 0\.4 s.*try again/);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(await pool.generate(requests)).toHaveLength(3);
    } finally {
      await pool.close();
    }
  });

  it('GIVEN a batch queued in the worker behind one that hangs THEN only the hung one fails: the queued one never ran, and is drawn by the next worker', async () => {
    // maxBatch 3: each request is a batch of its own, and the slot sends the second to the
    // worker while the first runs (pipelining), where it waits behind the hang.
    const pool = await GeneratorService.create({
      modelDirs: [tiny.dir],
      workers: 1,
      maxBatch: 3,
      pipelineDepth: 2,
      batchTimeoutMs: 400,
      faultInjection: { hangOnBatch: 1 },
    });
    try {
      const first = failure(pool.generate(requests));
      const second = pool.generate(requests);
      await new Promise((r) => setTimeout(r, 50));
      expect(pool.stats().inFlight).toBe(6); // both batches are in the worker
      expect(await first).toMatchObject({ code: 'worker_timeout' });
      expect(await second).toHaveLength(3);
      expect(pool.stats().crashes).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('GIVEN a hung batch at shutdown THEN close() waits for it no longer than the batch timeout, not its full 10 s', async () => {
    const pool = await GeneratorService.create({ modelDirs: [tiny.dir], workers: 1, batchTimeoutMs: 500, faultInjection: { hangOnBatch: 1 } });
    const pending = failure(pool.generate(requests));
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    await pool.close();
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await pending).toMatchObject({ code: 'worker_timeout' });
  });
});

describe('item 13: dead slots are revived', () => {
  it('GIVEN a slot that crashed 5 times in a row THEN it is restarted after a back-off, logged, and the service heals', async () => {
    const { lines, log } = recordingLog();
    const pool = await GeneratorService.create({
      modelDirs: [tiny.dir],
      workers: 1,
      log,
      restartBackoff: { baseMs: 5, maxMs: 200 },
      faultInjection: { crashOnBatch: 1, crashingStarts: 5 },
    });
    try {
      // Five crashes in a row: the slot gives up for now, and the service says it is out of order.
      for (let i = 0; i < 5; i++) expect(await failure(pool.generate(requests))).toMatchObject({ code: 'worker_crashed' });
      const out = await failure(pool.generate(requests));
      expect(out).toMatchObject({ code: 'out_of_order', message: expect.stringMatching(/out of order/) });
      // It is revived: the sixth worker is healthy. (Worker starts are slow on a busy machine.)
      let healed: unknown;
      const deadline = performance.now() + 45_000;
      while (!healed && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        healed = await pool.generate(requests).catch(() => undefined);
      }
      expect(healed).toHaveLength(3);
      expect(pool.stats().workers[0]!.state).toBe('idle');
      expect(lines.some((l) => l.level === 'warn' && /reviv/i.test(l.msg ?? ''))).toBe(true);
    } finally {
      await pool.close();
    }
  }, 90_000);
});
