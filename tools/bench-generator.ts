/**
 * Generator speed on this machine, all backends on the same weights in one run: ms/image and
 * images/s at batch 1, 8, 32 per backend (cpu: 1 and 8 only, it is ~25× slower), with 1 and N
 * worker threads (ONNX Runtime: one worker with N intra-op threads, and N workers with one
 * each), PyTorch on the same weights when it is installed, the ratios between them, the 9-tile
 * gacha end to end, and peak RSS. Plain figures, no assertions.
 *
 *   npm run bench -- [--model models/<id>] [--seconds 1.5] [--workers N] [--backends onnxruntime,wasm,cpu]
 *
 * Without a model directory (models/default does not exist before the first training run)
 * it benchmarks a tiny random model made on the fly, and says so: those figures show the
 * overheads (queue, threads, transfers) rather than the real network's cost.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isInstalled, type BackendName } from '../src/gan/backend-plan.ts';
import { GeneratorService, type GenerateRequest } from '../src/gan/generator-service.ts';
import { seedToZ } from '../src/latent/seed-random.ts';
import { makeTinyModel } from '../testkit/tiny-model.ts';
import { gacha } from '../src/core/gacha.ts';
import { catalogOf } from '../src/runtime.ts';
import { hasTorch, pythonExecutable } from '../testkit/python.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seconds = Number(arg('seconds') ?? 1.5);
const cores = os.availableParallelism();
const nWorkers = Number(arg('workers') ?? cores);
const backends = (arg('backends')?.split(',') ?? ['onnxruntime', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']) as BackendName[];
/** images/s by "backend workers×threads batch", for the ratios at the end. */
const results = new Map<string, number>();

async function modelDir(): Promise<{ dir: string; cleanup?: string; note: string }> {
  const dir = arg('model') ?? 'models/default';
  try {
    if ((await stat(path.join(dir, 'card.json'))).isFile()) return { dir, note: `model ${dir}` };
  } catch {
    // fall through to a tiny model
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'gff-bench-'));
  const tiny = await makeTinyModel(path.join(tmp, 'tiny'), { id: 'tiny', imageSize: 64, channels: 32 });
  return {
    dir: tiny.dir,
    cleanup: tmp,
    note: `${dir} not found: using a TINY random model made on the fly (64 px, 32→4 channels), NOT the real generator`,
  };
}

/** Keeps `concurrency` requests of `batch` images in flight for `seconds`; each is one forward pass. */
async function measure(svc: GeneratorService, batch: number, concurrency: number): Promise<{ msPerImage: number; perSecond: number }> {
  const m = svc.model();
  const tags = new Float32Array(m.numTags);
  tags[0] = 1;
  const req: GenerateRequest[] = Array.from({ length: batch }, (_, i) => ({ z: seedToZ(i, m.zDim), tags }));
  await svc.generate(req); // warm-up at this batch size
  let images = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await svc.generate(req);
        images += batch;
      }
    }),
  );
  const ms = performance.now() - start;
  return { msPerImage: ms / images, perSecond: (images * 1000) / ms };
}

/** [workers, ONNX Runtime intra-op threads per worker] layouts and batch sizes measured for a backend. */
function planOf(backend: BackendName): { layouts: [number, number][]; batches: number[] } {
  const batches = backend === 'cpu' ? [1, 8] : [1, 8, 32];
  const isNative = backend === 'tfjs-node-gpu' || backend === 'tfjs-node';
  const layouts: [number, number][] =
    backend === 'onnxruntime'
      ? [[1, nWorkers], ...(nWorkers > 1 ? ([[nWorkers, 1]] as [number, number][]) : [])]
      : [...new Set(isNative ? [1] : [1, nWorkers])].map((w) => [w, 1]);
  return { layouts, batches };
}

const { dir, cleanup, note } = await modelDir();
process.stdout.write(`bench-generator: ${note}\n`);
// Say up front how long this takes (each row starts a generator, warms it up, then measures).
const planned = backends.filter(isInstalled).reduce((n, b) => n + planOf(b).layouts.length * planOf(b).batches.length, 0);
process.stdout.write(
  `${planned} measurements of ${seconds} s each, plus a start-up and warm-up before each, PyTorch and a 9-tile gacha: ` +
    `several minutes (about ${Math.max(1, Math.round((planned * (seconds + 6) + 60) / 60))} min; ~4 min on 2 cores with a 128 px model). ` +
    'Quicker: --backends onnxruntime --seconds 0.5. Ctrl-C stops it.\n',
);
const benchStart = performance.now();
let measured = 0;
/** " [3/17, ~2 min left]": the time left from the average row so far. */
function progress(): string {
  measured++;
  const left = ((performance.now() - benchStart) / measured) * (planned - measured);
  return `  [${measured}/${planned}${measured < planned ? `, ~${left < 90_000 ? `${Math.max(1, Math.round(left / 1000))} s` : `${Math.round(left / 60_000)} min`} left` : ''}]`;
}
process.stdout.write(
  `node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? 'cpu'}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
process.stdout.write(`${'backend'.padEnd(14)}${'workers'.padStart(8)}${'batch'.padStart(7)}${'ms/image'.padStart(10)}${'images/s'.padStart(10)}\n`);

try {
  for (const backend of backends) {
    if (!isInstalled(backend)) {
      process.stdout.write(`${backend.padEnd(14)}  not installed\n`);
      continue;
    }
    const { layouts, batches } = planOf(backend);
    layoutLoop: for (const [workers, threads] of layouts) {
      // Worker threads copy the environment when they start: this is how each gets its threads.
      process.env['GFF_ORT_THREADS'] = String(threads);
      for (const batch of batches) {
        // maxBatch = batch and maxWaitMs 0: every request of `batch` images is one forward pass.
        const svc = await GeneratorService.create({ modelDirs: [dir], backend, workers, maxBatch: batch, maxWaitMs: 0 });
        try {
          if (svc.backend?.name !== backend) {
            process.stdout.write(`${backend.padEnd(14)}  unavailable (${svc.backend?.reason})\n`);
            break layoutLoop;
          }
          const r = await measure(svc, batch, workers * 2);
          const label = backend === 'onnxruntime' ? `${workers}×${threads}t` : String(workers);
          results.set(`${backend} ${label} ${batch}`, r.perSecond);
          process.stdout.write(
            `${backend.padEnd(14)}${label.padStart(8)}${String(batch).padStart(7)}${r.msPerImage.toFixed(2).padStart(10)}${r.perSecond.toFixed(1).padStart(10)}${progress()}\n`,
          );
        } finally {
          await svc.close();
        }
      }
    }
    delete process.env['GFF_ORT_THREADS'];
  }
  // PyTorch on the same weights (read back from the tfjs files), same cores.
  if (hasTorch()) {
    const run = spawnSync(pythonExecutable(), ['-m', 'training.bench_torch', dir, '--threads', String(nWorkers), '--seconds', String(seconds)], {
      encoding: 'utf8',
    });
    if (run.status === 0) {
      const t = JSON.parse(run.stdout.trim().split('\n').pop()!) as { torch: string; threads: number; msPerImage: Record<string, number> };
      for (const [batch, ms] of Object.entries(t.msPerImage)) {
        results.set(`pytorch ${t.threads}t ${batch}`, 1000 / ms);
        process.stdout.write(
          `${`pytorch ${t.torch.split('a')[0]}`.padEnd(14)}${`${t.threads}t`.padStart(8)}${batch.padStart(7)}${ms.toFixed(2).padStart(10)}${(1000 / ms).toFixed(1).padStart(10)}\n`,
        );
      }
    } else process.stdout.write(`pytorch         failed: ${run.stderr.trim().split('\n').pop()}\n`);
  } else process.stdout.write('pytorch         not installed (python3-torch)\n');
  const ratio = (a: string, b: string) => {
    const x = results.get(a);
    const y = results.get(b);
    return x && y ? `${(x / y).toFixed(2)}×` : 'n/a';
  };
  const ortBest = `onnxruntime 1×${nWorkers}t 32`;
  process.stdout.write(
    `ratios at batch 32, ${nWorkers} cores: ONNX Runtime (1 worker × ${nWorkers} threads) / tfjs-wasm (${nWorkers} workers) = ${ratio(ortBest, `wasm ${nWorkers} 32`)}; ` +
      `/ tfjs-wasm (1 worker) = ${ratio(ortBest, 'wasm 1 32')}; / PyTorch (${nWorkers} threads) = ${ratio(ortBest, `pytorch ${nWorkers}t 32`)}; ` +
      `ONNX Runtime ${nWorkers} workers × 1 thread / 1 worker × ${nWorkers} threads = ${ratio(`onnxruntime ${nWorkers}×1t 32`, ortBest)}\n`,
  );
  // End to end as a user waits for it: parse tags, draw 9 girls, compose the numbered PNG.
  const svc = await GeneratorService.create({ modelDirs: [dir] });
  try {
    const ctx = { generator: svc, catalog: catalogOf(svc) };
    const tags = svc.model().vocabulary.entries[0]!.name;
    await gacha(ctx, { tags, count: 9, seed: 1 }); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      await gacha(ctx, { tags, count: 9, seed: 100 + i * 9 });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const m = svc.model();
    process.stdout.write(
      `9-tile gacha PNG end to end (${svc.backend?.name}, ${svc.stats().workers.length} workers, ${m.imageSize} px shown at ${m.imageSize <= 64 ? 2 * m.imageSize : m.imageSize} px): ` +
        `median ${times[7]!.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times[14]!.toFixed(0)} ms over 15 runs\n`,
    );
  } finally {
    await svc.close();
  }
} finally {
  if (cleanup) await rm(cleanup, { recursive: true, force: true });
}
// maxRSS covers the whole process, worker threads included.
process.stdout.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
