/**
 * Run as its own process by tests/gan/ort-batch-timeout.test.ts, because the fault it guards
 * against (issue 30, item 14) used to abort the whole process: ONNX Runtime workers whose batch
 * times out while ONNX Runtime is drawing it. Prints one JSON line of what happened, exit 0.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GeneratorService } from '../../../src/gan/generator-service.ts';
import { seedToZ } from '../../../src/latent/seed-random.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const logged: string[] = [];
const log = {
  debug: () => {},
  info: (_o: unknown, m?: string) => void logged.push(`info ${m}`),
  warn: (_o: unknown, m?: string) => void logged.push(`warn ${m}`),
  error: (_o: unknown, m?: string) => void logged.push(`error ${m}`),
};
// A 1 ms budget: every batch of the bundled 128 px model outlives it, inside ONNX Runtime.
const pool = await GeneratorService.create({ modelDirs: [path.join(ROOT, 'models/default')], backend: 'onnxruntime', workers: 1, batchTimeoutMs: 1, log });
const backend = pool.backend?.name;
const numTags = pool.model().numTags;
const requests = Array.from({ length: 8 }, (_, i) => ({ z: seedToZ(900 + i), tags: new Float32Array(numTags) }));
const outcomes: string[] = [];
for (let round = 0; round < 3; round++) {
  try {
    await pool.generate(requests);
    outcomes.push('drawn');
  } catch (e) {
    outcomes.push((e as { code?: string }).code ?? String(e));
  }
}
// Give the late runs time to come back and their workers to be ended, then shut down cleanly:
// until one has been logged (on a loaded machine a batch of eight can take seconds), at most 60 s.
for (let waited = 0; waited < 60_000 && !logged.some((l) => l.includes('finished late')); waited += 100) {
  await new Promise((r) => setTimeout(r, 100));
}
await pool.close();
console.log(JSON.stringify({ backend, outcomes, logged }));
