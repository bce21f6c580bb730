/**
 * Renders the default training set: DiceBear lorelei faces with sampled options, labelled
 * only from the options used. `npm run dataset -- --out data/lorelei64 --count 30000 --size 64 --seed 1`
 * Writes images/*.png, tags.csv (image,tags with space-separated Danbooru tags — the same
 * format a user's own dataset uses), vocab.json and meta.json (tag frequencies), and for
 * lorelei factors.csv and draws.csv (the untagged choices) and, with --masks, part masks.
 * `--style adventurer` renders DiceBear's adventurer faces instead (tools/dataset/adventurer-mapping.ts):
 * 14 exact tags and nothing else, the stand-in for one's own art (data without codes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnWorker } from '../src/util/spawn-worker.ts';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { VOCABULARY } from '../src/tags/default-vocabulary.ts';
import { ADVENTURER_VOCABULARY } from './dataset/adventurer-mapping.ts';
import { PART_LAYERS } from './dataset/part-labels.ts';
import { FACE_STYLES, type FaceStyle } from './dataset/render-face.ts';
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
  .option(
    '--style <style>',
    `DiceBear style: ${FACE_STYLES.join(' or ')} (adventurer: 14 tags, no factors.csv, draws.csv or masks)`,
    (v: string) => {
      if (!(FACE_STYLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be ${FACE_STYLES.join(' or ')}`);
      return v;
    },
    'lorelei',
  )
  .parse();
const opts = program.opts<{ out: string; count: number; size: number; seed: number; workers: number; look: FaceLook; masks?: boolean; style: FaceStyle }>();
const adventurer = opts.style === 'adventurer';
if (adventurer && opts.masks) program.error("error: --masks is lorelei's (its part labels): --style adventurer renders images and tags only");
if (adventurer && program.getOptionValueSource('look') === 'cli') {
  program.error("error: --look picks lorelei's variants: --style adventurer always draws the variants that read as girls");
}
const vocabulary = adventurer ? ADVENTURER_VOCABULARY : VOCABULARY;

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
        ...(adventurer ? { style: opts.style } : {}),
      });
      worker.on('message', (m: { index: number; file: string; tags: string[]; factors?: string[]; draws?: string[] }) => {
        rows[m.index] = [`images/${m.file}`, m.tags.join(' ')];
        factorRows[m.index] = [`images/${m.file}`, ...(m.factors ?? [])];
        drawRows[m.index] = [`images/${m.file}`, ...(m.draws ?? [])];
        bar.increment();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => (code === 0 ? done() : fail(new Error(`render worker exited with code ${code}`))));
    });
  }),
);
bar.stop();

const frequency: Record<string, number> = Object.fromEntries(vocabulary.map((t) => [t.name, 0]));
for (const [, tags] of rows) for (const t of tags!.split(' ')) frequency[t] = (frequency[t] ?? 0) + 1;
writeFileSync(join(outDir, 'tags.csv'), `${['image,tags', ...rows.map(([f, t]) => `${f},${t}`)].join('\n')}\n`);
if (!adventurer) {
  writeFileSync(join(outDir, 'factors.csv'), `${[['image', ...UNTAGGED_FACTORS].join(','), ...factorRows.map((r) => r.join(','))].join('\n')}\n`);
  writeFileSync(join(outDir, 'draws.csv'), `${[['image', ...UNTAGGED_DRAWS].join(','), ...drawRows.map((r) => r.join(','))].join('\n')}\n`);
}
writeFileSync(join(outDir, 'vocab.json'), `${JSON.stringify(vocabulary, null, 1)}\n`);
const meta = adventurer
  ? // CC BY 4.0: a model trained on these renders names its source (the card copies meta.json's source).
    { source: 'DiceBear adventurer (CC BY 4.0, Lisa Wischofsky)', style: opts.style, count: opts.count, size: opts.size, seed: opts.seed, frequency }
  : {
      source: 'DiceBear lorelei (CC0, Lisa Wischofsky)',
      count: opts.count,
      size: opts.size,
      seed: opts.seed,
      look: opts.look,
      ...(masksDir ? { partLayers: PART_LAYERS.map((l) => l.name) } : {}),
      frequency,
    };
writeFileSync(join(outDir, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
const seconds = (Date.now() - started) / 1000;
console.log(`${opts.count} images in ${seconds.toFixed(1)} s (${((seconds * 1000) / opts.count).toFixed(2)} ms/image) → ${outDir}`);
for (const t of vocabulary) console.log(`${t.name.padEnd(22)} ${((frequency[t.name]! / opts.count) * 100).toFixed(1)}%`);
