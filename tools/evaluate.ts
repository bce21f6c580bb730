/**
 * Judges a shipped model by the pictures its tfjs export draws:
 *   npm run evaluate -- models/default [--real data/lorelei64-heldout] [--train data/lorelei64]
 *                                      [--judge runs/judge/classifier.pt] [--psi 0.7] [--seed-offset 1000000] [--no-card]
 *                                      [--draws 3] [--crispness-only]
 * --draws 3 judges three seed draws (offsets 0, 1,000,000 and 2,000,000 above --seed-offset)
 * and writes their mean, each draw's figure beside it, to the card (issue 31: no choosing on one
 * draw); --crispness-only needs no judge (flat-fill figures beside renders of the same tags).
 * 1. python: plan the (seed, tags) rows; 2. here: render real faces with the plan's tag sets
 * (lorelei models) and draw the rows with the model (the same GeneratorService the bot uses);
 * 3. python: score them with the judge classifier and write metrics.json (and the model's
 * card.json unless --no-card).
 * A model of one's own art (docs/own-data.md): `npm run evaluate -- --data DIR --model ID`
 * judges it on that folder (held-out and training side both) with a judge classifier trained on
 * it once and cached (runs/judges/<key>/, keyed by the folder, its tags.csv and the size).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { GeneratorService } from '../src/gan/generator-service.ts';
import { truncate } from '../src/latent/interpolate.ts';
import { seedToZ } from '../src/latent/seed-random.ts';
import { LIMITS } from '../src/core/limits.ts';
import { pythonExecutable } from '../testkit/python.ts';
import { renderMatched, type MatchedSets } from './dataset/render-matched.ts';
import type { FaceLook } from './dataset/sample-face.ts';

const program = new Command('evaluate')
  .argument('[model-dir]', 'model folder, e.g. models/default')
  .option('--model <id>', 'a model id under GFF_MODELS_DIR (./models), instead of <model-dir>')
  .option('--data <dir>', "one's own data: judge on this folder with a judge trained on it (instead of --real, --train, --judge)")
  .option('--judges-dir <dir>', 'with --data: where trained judges are cached', join('runs', 'judges'))
  .option('--judge-width <n>', "with --data: channels of a new judge's first stage", Number, 32)
  .option('--judge-steps <n>', 'with --data: the fewest steps a new judge trains (small folders get more epochs)', Number, 300)
  .option('--real <dir>', 'held-out real images', 'data/lorelei64-heldout')
  .option('--train <dir>', 'training images (real-vs-real reference)', 'data/lorelei64')
  .option('--judge <file>', 'judge classifier checkpoint', 'runs/judge2/classifier.pt')
  .option('--factor-judge <file>', 'classifier trained with --factors-only, for the untagged-factor counts')
  .option('--out <dir>', 'where plan, images and metrics go (default out/eval/<id>)')
  .option('--psi <x>', 'truncation ψ of every z, as /gacha psi: draws (default 1: none)', Number, 1)
  .option('--seed-offset <n>', 'add n to every seed: the same tag sets drawn as other faces, to confirm a pick', Number, 0)
  .option('--no-card', 'do not write the metrics into card.json')
  .option('--draws <n>', 'seed draws to judge, 1,000,000 seeds apart; with more than one, the card gets their mean', Number, 1)
  .option('--crispness-only', 'only the crispness figures (no judge needed)')
  .parse();
const opts = program.opts<{
  real: string;
  train: string;
  judge: string;
  factorJudge?: string;
  out?: string;
  psi: number;
  seedOffset: number;
  card: boolean;
  draws: number;
  crispnessOnly?: boolean;
  model?: string;
  data?: string;
  judgesDir: string;
  judgeWidth: number;
  judgeSteps: number;
}>();
if (!(Number.isInteger(opts.draws) && opts.draws >= 1 && opts.draws <= 5)) {
  console.error('error: --draws must be 1–5');
  process.exit(2);
}
if (!(opts.psi >= LIMITS.psi.min && opts.psi <= LIMITS.psi.max)) {
  console.error(`error: --psi must be ${LIMITS.psi.min}–${LIMITS.psi.max}`);
  process.exit(2);
}
if (opts.psi !== 1 && opts.card) {
  console.error('error: the card holds the figures at ψ 1 (what the bot draws by default); add --no-card with --psi');
  process.exit(2);
}
// Its upper bound (seeds are uint32) is the plan's to check: training/evaluate.py.
if (!(Number.isInteger(opts.seedOffset) && opts.seedOffset >= 0)) {
  console.error('error: --seed-offset must be a whole number ≥ 0');
  process.exit(2);
}
if (opts.seedOffset !== 0 && opts.card && opts.draws === 1) {
  console.error('error: the card holds the figures on the standard seeds; add --no-card with --seed-offset');
  process.exit(2);
}
if (!program.args[0] === !opts.model) {
  console.error('error: name the model once: a folder (models/mine) or --model mine');
  process.exit(2);
}
const modelDir = program.args[0] ? resolve(program.args[0]) : resolve(process.env.GFF_MODELS_DIR ?? 'models', opts.model!);
if (!existsSync(join(modelDir, 'card.json'))) {
  console.error(`error: ${modelDir}: no model there (card.json); npm run train exports one`);
  process.exit(2);
}
const rootOut = resolve(opts.out ?? join('out', 'eval', basename(modelDir)));
mkdirSync(rootOut, { recursive: true });
/** Runs a step of training/evaluate.py; where it fails, its own message is on stderr already: exit with its status. */
const py = (args: string[]) => {
  try {
    execFileSync(pythonExecutable(), ['-m', 'training.evaluate', ...args], { stdio: 'inherit' });
  } catch (error) {
    process.exit((error as { status?: number | null }).status ?? 1);
  }
};

if (opts.data) {
  if (!existsSync(join(opts.data, 'tags.csv'))) {
    console.error(`error: ${opts.data}: no tags.csv there`);
    process.exit(2);
  }
  opts.real = opts.train = opts.data;
  opts.judge = ownJudge(opts.data);
}

/**
 * The judge for --data: a tag classifier trained on that folder at the model's size (64 px, or
 * 128 px above it), cached by the folder's path, its tags.csv (time and size) and the size. At
 * least --judge-steps steps (small folders get more epochs), so that its figures mean something.
 */
function ownJudge(data: string): string {
  const size = JSON.parse(readFileSync(join(modelDir, 'card.json'), 'utf8')).imageSize > 64 ? 128 : 64;
  const csv = statSync(join(data, 'tags.csv'));
  const key = createHash('sha1')
    .update(`${resolve(data)}|${csv.mtimeMs}|${csv.size}|${size}|${opts.judgeWidth}|${opts.judgeSteps}`)
    .digest('hex')
    .slice(0, 16);
  const dir = resolve(opts.judgesDir, key);
  const file = join(dir, 'classifier.pt');
  if (existsSync(file)) {
    process.stderr.write(`judge: ${file} (trained on ${data} before)\n`);
    return file;
  }
  const rows =
    readFileSync(join(data, 'tags.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length - 1;
  const batch = Math.max(1, Math.min(128, rows));
  const epochs = Math.max(3.5, Math.ceil((opts.judgeSteps * batch) / Math.max(1, rows)));
  process.stderr.write(`judge: training one on ${data} (${epochs} epochs) → ${file}\n`);
  try {
    execFileSync(
      pythonExecutable(),
      [
        '-m',
        'training.classifier',
        '--data',
        data,
        '--heldout',
        data,
        '--out',
        dir,
        '--size',
        String(size),
        '--epochs',
        String(epochs),
        '--batch',
        String(batch),
        '--width',
        String(opts.judgeWidth),
      ],
      { stdio: 'inherit' },
    );
  } catch (error) {
    process.exit((error as { status?: number | null }).status ?? 1);
  }
  return file;
}

// The renders' look (npm run dataset -- --look): matched real faces are drawn the same way.
const realMeta = join(opts.real, 'meta.json');
const look = existsSync(realMeta) ? ((JSON.parse(readFileSync(realMeta, 'utf8')) as { look?: FaceLook }).look ?? 'all') : 'all';

const service = await GeneratorService.create({ modelDirs: [modelDir] });
const model = service.model();
const metricFiles: string[] = [];
for (let d = 0; d < opts.draws; d++) {
  const offset = opts.seedOffset + d * 1_000_000;
  const outDir = opts.draws === 1 ? rootOut : join(rootOut, `draw-${offset}`);
  mkdirSync(outDir, { recursive: true });
  metricFiles.push(await judgeDraw(outDir, offset, opts.draws === 1 && opts.card));
}
await service.close();
if (opts.draws > 1) {
  py(['mean', '--model', modelDir, '--out', join(rootOut, 'metrics-mean.json'), ...(opts.card ? [] : ['--no-card']), ...metricFiles]);
}

/** One draw: plan, matched renders, the model's pictures, then the score; the metrics file. */
async function judgeDraw(outDir: string, seedOffset: number, card: boolean): Promise<string> {
  const planFile = join(outDir, 'plan.json');
  py(['plan', '--model', modelDir, '--real', opts.real, '--out', planFile, '--seed-offset', String(seedOffset)]);
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { rows: { seed: number; tags: number[] }[]; matched?: MatchedSets };

  // Only a model trained on lorelei renders can be compared with fresh lorelei renders.
  const source = String((model.card.training as { dataset?: { source?: string } } | undefined)?.dataset?.source ?? '');
  if (plan.matched && source.includes('lorelei') && !opts.crispnessOnly) {
    // Real faces with each plan set's exact tags (DiceBear renders: the lorelei data's own reference).
    const t0 = performance.now();
    // At 128 px at least: a judge larger than the model then reads sharp renders (it shrinks them for a smaller one).
    const n = await renderMatched(plan.matched, Math.max(model.imageSize, 128), join(outDir, 'matched'), undefined, look);
    process.stderr.write(`rendered ${n} real faces with the plan's tag sets in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const zOf = (seed: number) => (opts.psi === 1 ? seedToZ(seed, model.zDim) : truncate(seedToZ(seed, model.zDim), opts.psi));
  const started = performance.now();
  const chunks: Uint8Array[] = [];
  const CHUNK = 256;
  for (let i = 0; i < plan.rows.length; i += CHUNK) {
    const rows = plan.rows.slice(i, i + CHUNK);
    const images = await service.generate(rows.map((r) => ({ z: zOf(r.seed), tags: Float32Array.from(r.tags) })));
    for (const img of images) chunks.push(img.data);
    process.stderr.write(`\rdrawn ${Math.min(i + CHUNK, plan.rows.length)}/${plan.rows.length}`);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`\rdrawn ${plan.rows.length} images with ${service.backend?.name} in ${seconds.toFixed(1)} s\n`);
  const generatedFile = join(outDir, 'generated.bin');
  writeFileSync(generatedFile, Buffer.concat(chunks));
  const metricsFile = join(outDir, 'metrics.json');
  if (opts.crispnessOnly) {
    py(['crispness', '--model', modelDir, '--plan', planFile, '--generated', generatedFile, '--real', opts.real, '--out', metricsFile]);
    return metricsFile;
  }

  py([
    'score',
    '--model',
    modelDir,
    '--plan',
    planFile,
    '--generated',
    generatedFile,
    '--real',
    opts.real,
    '--train',
    opts.train,
    '--judge',
    opts.judge,
    '--out',
    metricsFile,
    ...(opts.factorJudge ? ['--factor-judge', opts.factorJudge] : []),
    ...(card ? [] : ['--no-card']),
  ]);
  return metricsFile;
}
