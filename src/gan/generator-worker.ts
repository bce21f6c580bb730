/**
 * Entry of a generator worker thread (started by worker-slot.ts through spawnWorker): owns
 * its own engine (ONNX Runtime or a tfjs backend) and models, runs one batch at a time (the next one
 * already waiting here), and transfers pixel buffers
 * back without copying.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, type Engine } from './engine.ts';
import { serializeError, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol.ts';

const port = parentPort!;
const init = (workerData as { data: WorkerInit }).data;
const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

// Backend fall-backs are logged by the main thread from the 'ready' message's reason.
let engine: Engine;
try {
  engine = await createEngine({
    modelDirs: init.modelDirs,
    backend: init.backend,
    ...(init.threads ? { threads: init.threads } : {}),
    ...(init.lazy ? { lazy: init.lazy } : {}),
  });
} catch (e) {
  post({ type: 'fatal', error: serializeError(e) });
  port.close();
  process.exit(1);
}
post({ type: 'ready', backend: engine.backend, models: [...engine.models.keys()], numTensors: engine.numTensors() });

// Only ONNX Runtime's native runs make termination unsafe (tfjs backends survive it): the flag
// tells the slot when it must wait for a late answer instead of ending this thread.
const inNativeRun = init.inNativeRun && engine.backend.name === 'onnxruntime' ? new Int32Array(init.inNativeRun) : undefined;
const runGuarded = async (msg: ToWorker): Promise<Uint8Array> => {
  if (inNativeRun) Atomics.store(inNativeRun, 0, 1);
  try {
    return await engine.run(msg.modelId, msg.input, msg.count);
  } finally {
    if (inNativeRun) Atomics.store(inNativeRun, 0, 0);
  }
};

// The slot may send the next batch before this one is done (GFF_PIPELINE_DEPTH 2), so that the
// engine never waits for the main thread between batches: runs are chained, one at a time.
let batches = 0;
let previous: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  if (msg.type !== 'run') return;
  batches++;
  if (init.crashOnBatch === batches) throw new Error(`injected crash on batch ${batches} (faultInjection)`);
  const hang = init.hangOnBatch === batches; // injected hang (faultInjection): no answer, ever, nor after it
  previous = previous.then(() =>
    hang
      ? new Promise<void>(() => {})
      : inNativeRun && Atomics.load(inNativeRun, 1) === 1
        ? undefined // given up by its slot (worker-protocol.ts): its batches are drawn elsewhere
        : runGuarded(msg).then(
            (pixels) => post({ type: 'result', batchId: msg.batchId, pixels, numTensors: engine.numTensors() }, [pixels.buffer as ArrayBuffer]),
            (e: unknown) => post({ type: 'failed', batchId: msg.batchId, error: serializeError(e), numTensors: engine.numTensors() }),
          ),
  );
});
