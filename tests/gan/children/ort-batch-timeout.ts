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
// One batch of 64 pictures of the bundled 128 px model (a quarter of a second on a quiet 2-core
// machine, longer on a busy one) against a budget of 50 ms × 64/32: every batch outlives it inside
// ONNX Runtime. A 1 ms budget did not: on a loaded machine it ran out before the worker had even
// taken the batch, and a worker outside ONNX Runtime is ended at once, with no late run to see.
const pool = await GeneratorService.create({
  modelDirs: [path.join(ROOT, 'models/default')],
  backend: 'onnxruntime',
  workers: 1,
  batchTimeoutMs: 50,
  maxBatch: 256,
  log,
});
const backend = pool.backend?.name;
const numTags = pool.model().numTags;
const requests = Array.from({ length: 64 }, (_, i) => ({ z: seedToZ(900 + i), tags: new Float32Array(numTags) }));
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
