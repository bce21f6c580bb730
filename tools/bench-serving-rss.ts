/**
 * Serving memory with the bot's settings: one GeneratorService as src/bot starts it (backend
 * auto, default workers and batching), in a process of its own, so nothing else is counted
 * (worker threads are the same process, so their memory is in it). Figures only.
 *
 *   npm run bench:rss -- [--model models/default] [--all] [--backend auto] [--workers N]
 *                        [--idle-s S] [--max-other N]
 *
 * Prints the RSS once the service has started, the peak after the default drew 20 requests of
 * 32 images, and with --all (every model folder under models/ served beside the default, as the
 * bot serves them: the default loaded at start, the others on first use, src/gan/session-pool.ts):
 * the RSS after each other model drew 8 images once, and after they were left unused past
 * --idle-s (default 20; the bot's is GFF_MODEL_IDLE_S, 300) so that their sessions were released.
 * --max-other is GFF_MAX_OTHER_MODELS (default the bot's, 1).
 */
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GeneratorService } from '../src/gan/generator-service.ts';
import { sweepPeriodMs } from '../src/gan/session-pool.ts';
import { seedToZ } from '../src/latent/seed-random.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rss = () => mib(process.memoryUsage().rss);
const peak = () => mib(process.resourceUsage().maxRSS * 1024);

const modelDir = arg('model') ?? 'models/default';
const all = process.argv.includes('--all');
const idleMs = Number(arg('idle-s') ?? 20) * 1000;
const before = rss();
const svc = await GeneratorService.create({
  // --all: the models folder as the bot serves it (every sub-folder with a card.json), the default drawing.
  ...(all ? { modelsRoot: dirname(modelDir), defaultModelId: basename(modelDir) } : { modelDirs: [modelDir] }),
  backend: (arg('backend') as 'auto' | undefined) ?? 'auto',
  ...(arg('workers') ? { workers: Number(arg('workers')) } : {}),
  modelIdleMs: idleMs,
  ...(arg('max-other') ? { maxOtherModels: Number(arg('max-other')) } : {}),
});
const started = rss();

/** `count` pictures of one model, seeds from `first` on, its first tag set. */
const draw = (modelId: string, first: number, count: number) => {
  const m = svc.model(modelId);
  const tags = new Float32Array(m.numTags);
  tags[0] = 1;
  return svc.generate(Array.from({ length: count }, (_, i) => ({ modelId: m.id, z: seedToZ(first + i, m.zDim), tags })));
};

const m = svc.model();
for (let b = 0; b < 20; b++) await draw(m.id, b * 32, 32);
const stats = svc.stats();
const lines = [
  `${stats.backend} with ${stats.workers.length} worker(s), model ${m.id} (${m.imageSize} px)${all ? `, ${svc.models().size} models served` : ''}: ` +
    `RSS ${before} before start, ${started} started, peak ${peak()} after 20 requests of 32 images, ${stats.defaultModelBatch} a batch`,
];
if (all) {
  const others = [...svc.models().keys()].filter((id) => id !== m.id);
  const after: string[] = [];
  for (const id of others) {
    await draw(id, 0, 8);
    after.push(`${id} ${rss()}`);
  }
  lines.push(`each of the ${others.length} other models drew 8 images once: RSS after each ${after.join(', ')}; peak ${peak()}`);
  // Idle past the limit, then one sweep of the pool, and a little more for the release itself.
  const wait = idleMs + sweepPeriodMs(idleMs) + 1000;
  await sleep(wait);
  lines.push(`then ${(wait / 1000).toFixed(0)} s unused (idle limit ${idleMs / 1000} s): RSS ${rss()}`);
}
await svc.close();
process.stdout.write(`${lines.join('\n')}\n`);
