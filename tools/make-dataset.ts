/**
 * Renders the default training set: DiceBear lorelei faces with sampled options, labelled
 * only from the options used. `npm run dataset -- --out data/lorelei64 --count 30000 --size 64 --seed 1`
 * Writes images/*.png, tags.csv (image,tags with space-separated Danbooru tags — the same
 * format a user's own dataset uses), vocab.json and meta.json (tag frequencies).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnWorker } from '../src/util/spawn-worker.ts';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { VOCABULARY } from '../src/tags/default-vocabulary.ts';
import { PART_LAYERS } from './dataset/part-labels.ts';
import { FACE_LOOKS, UNTAGGED_DRAWS, UNTAGGED_FACTORS, type FaceLook } from './dataset/sample-face.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const program = new Command('make-dataset')
  .requiredOption('--out <dir>', 'output folder (e.g. data/lorelei64)')
  .option('--count <n>', 'number of images', positiveInt, 30000)
  .option('--size <px>', 'image size in pixels', positiveInt, 64)
  .option('--seed <n>', 'dataset seed', positiveInt, 1)
  .option('--workers <n>', 'render threads', positiveInt, availableParallelism())
  .option(
    '--look <look>',
    `which variants to draw: ${FACE_LOOKS.join(' or ')} (girls: those that read as girls)`,
    (v: string) => {
      if (!(FACE_LOOKS as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be ${FACE_LOOKS.join(' or ')}`);
      return v;
    },
    'all',
  )
  .option('--masks', "also write masks/: each face's exact part labels (for layered generators)")
  .parse();
const opts = program.opts<{ out: string; count: number; size: number; seed: number; workers: number; look: FaceLook; masks?: boolean }>();

const outDir = resolve(opts.out);
const imagesDir = join(outDir, 'images');
mkdirSync(imagesDir, { recursive: true });
const masksDir = opts.masks ? join(outDir, 'masks') : undefined;
if (masksDir) mkdirSync(masksDir, { recursive: true });

const rows: string[][] = new Array(opts.count);
const factorRows: string[][] = new Array(opts.count);
const drawRows: string[][] = new Array(opts.count);
const bar = new cliProgress.SingleBar({ format: 'rendering [{bar}] {value}/{total} {eta}s left', stream: process.stderr }, cliProgress.Presets.shades_classic);
bar.start(opts.count, 0);
const started = Date.now();
const per = Math.ceil(opts.count / opts.workers);
await Promise.all(
  Array.from({ length: opts.workers }, (_, w) => {
    const start = w * per;
    const end = Math.min(opts.count, start + per);
    if (start >= end) return Promise.resolve();
    return new Promise<void>((done, fail) => {
      const worker = spawnWorker(new URL('./dataset/render-worker.ts', import.meta.url), {
        seed: opts.seed,
        start,
        end,
        size: opts.size,
        imagesDir,
        look: opts.look,
        ...(masksDir ? { masksDir } : {}),
      });
      worker.on('message', (m: { index: number; file: string; tags: string[]; factors: string[]; draws: string[] }) => {
        rows[m.index] = [`images/${m.file}`, m.tags.join(' ')];
        factorRows[m.index] = [`images/${m.file}`, ...m.factors];
        drawRows[m.index] = [`images/${m.file}`, ...m.draws];
        bar.increment();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => (code === 0 ? done() : fail(new Error(`render worker exited with code ${code}`))));
    });
  }),
);
bar.stop();

const frequency: Record<string, number> = Object.fromEntries(VOCABULARY.map((t) => [t.name, 0]));
for (const [, tags] of rows) for (const t of tags!.split(' ')) frequency[t] = (frequency[t] ?? 0) + 1;
writeFileSync(join(outDir, 'tags.csv'), `${['image,tags', ...rows.map(([f, t]) => `${f},${t}`)].join('\n')}\n`);
writeFileSync(join(outDir, 'factors.csv'), `${[['image', ...UNTAGGED_FACTORS].join(','), ...factorRows.map((r) => r.join(','))].join('\n')}\n`);
writeFileSync(join(outDir, 'draws.csv'), `${[['image', ...UNTAGGED_DRAWS].join(','), ...drawRows.map((r) => r.join(','))].join('\n')}\n`);
writeFileSync(join(outDir, 'vocab.json'), `${JSON.stringify(VOCABULARY, null, 1)}\n`);
writeFileSync(
  join(outDir, 'meta.json'),
  `${JSON.stringify({ source: 'DiceBear lorelei (CC0, Lisa Wischofsky)', count: opts.count, size: opts.size, seed: opts.seed, look: opts.look, ...(masksDir ? { partLayers: PART_LAYERS.map((l) => l.name) } : {}), frequency }, null, 1)}\n`,
);
const seconds = (Date.now() - started) / 1000;
console.log(`${opts.count} images in ${seconds.toFixed(1)} s (${((seconds * 1000) / opts.count).toFixed(2)} ms/image) → ${outDir}`);
for (const t of VOCABULARY) console.log(`${t.name.padEnd(22)} ${((frequency[t.name]! / opts.count) * 100).toFixed(1)}%`);
