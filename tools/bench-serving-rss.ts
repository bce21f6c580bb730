/**
 * Serving memory with the bot's settings: one GeneratorService as src/bot starts it (backend
 * auto, default workers and batching), 20 requests of 32 images drawn, then the process's peak RSS (worker
 * threads included) — in a process of its own, so nothing else is counted. Figures only.
 *
 *   npm run bench:rss -- [--model models/default] [--all] [--backend auto] [--workers N]
 * --all: every model folder under models/ served beside the default, as the bot serves them
 * (each one's session is held in the worker), the default drawing.
 */
import { basename, dirname } from 'node:path';
import { GeneratorService } from '../src/gan/generator-service.ts';
import { seedToZ } from '../src/latent/seed-random.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const modelDir = arg('model') ?? 'models/default';
const all = process.argv.includes('--all');
const before = process.memoryUsage().rss;
const svc = await GeneratorService.create({
  // --all: the models folder as the bot serves it (every sub-folder with a card.json), the default drawing.
  ...(all ? { modelsRoot: dirname(modelDir), defaultModelId: basename(modelDir) } : { modelDirs: [modelDir] }),
  backend: (arg('backend') as 'auto' | undefined) ?? 'auto',
  ...(arg('workers') ? { workers: Number(arg('workers')) } : {}),
});
const m = svc.model();
const tags = new Float32Array(m.numTags);
tags[0] = 1;
for (let b = 0; b < 20; b++) {
  await svc.generate(Array.from({ length: 32 }, (_, i) => ({ z: seedToZ(b * 32 + i, m.zDim), tags })));
}
const stats = svc.stats();
await svc.close();
const peak = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${stats.backend} with ${stats.workers.length} worker(s), model ${m.id} (${m.imageSize} px)${all ? `, ${svc.models().size} models served` : ''}: ` +
    `RSS ${(before / 2 ** 20).toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB after 20 requests of 32 images, ${stats.defaultModelBatch} a batch\n`,
);
