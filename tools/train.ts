/**
 * Trains a model of one's own art and exports it for `gff --model ID`, the bot and the studio:
 *   npm run train -- --data DIR --name ID [--minutes N | --steps N | --epochs N] [--device cuda]
 *                    [--resume | --force] [--fit crop|pad] [--bf16] [any other training.train flag]
 * 1. python3 -m training.train --data DIR --out runs/ID … (its start-up summary, progress,
 *    checkpoints; Ctrl-C or SIGTERM stops it at a step boundary with a checkpoint);
 * 2. python3 -m training.export runs/ID → models/ID, written beside it first and moved into place
 *    only when complete, so a failed export never leaves half a model where the bot looks.
 * A name that already has a run or a model is refused unless --resume (continue it) or --force
 * (start again). docs/own-data.md walks through it.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pythonExecutable } from '../testkit/python.ts';

/** The ids src/gan/model-files.ts accepts in card.json. */
const MODEL_ID = /^[A-Za-z0-9_.-]{1,64}$/;

function positive(flag: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${flag} must be a ${integer ? 'whole ' : ''}number above 0`);
    return n;
  };
}

const program = new Command('train')
  .description('Train a model of your own tagged images and export it as models/ID (docs/own-data.md).')
  .requiredOption('--data <dir>', 'folder with tags.csv (columns image,tags) and the images it names')
  .requiredOption('--name <id>', 'model id: letters, digits, "_", "." or "-" (the run is runs/ID, the model models/ID)')
  .option('--minutes <n>', 'stop after this many minutes of training', positive('--minutes', false))
  .option('--steps <n>', 'stop after this many steps', positive('--steps', true))
  .option('--epochs <n>', 'stop after this many passes over the data (default 10 when neither --minutes nor --steps)', positive('--epochs', false))
  .addOption(new Option('--device <name>', 'where to train (auto: a GPU when PyTorch sees one)').choices(['auto', 'cpu', 'cuda']).default('auto'))
  .addOption(new Option('--fit <how>', 'non-square images: crop their centre or pad them with white').choices(['crop', 'pad']).default('crop'))
  .option('--resume', 'continue the run of this name')
  .option('--force', 'start the run of this name again, replacing its checkpoint and model')
  .option('--runs-dir <dir>', 'where runs go', 'runs')
  .option('--models-dir <dir>', 'where models go (default: GFF_MODELS_DIR or ./models)')
  .allowUnknownOption()
  .helpOption('-h, --help')
  .addHelpText('after', '\nOther flags (e.g. --bf16, --size 128, --threads 2) go to python3 -m training.train as they are.')
  .showHelpAfterError()
  .parse();

const opts = program.opts<{
  data: string;
  name: string;
  minutes?: number;
  steps?: number;
  epochs?: number;
  device: string;
  fit: string;
  resume?: boolean;
  force?: boolean;
  runsDir: string;
  modelsDir?: string;
}>();

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

if (!MODEL_ID.test(opts.name)) fail(`--name ${JSON.stringify(opts.name)}: use letters, digits, "_", "." or "-" (1–64)`);
if (opts.resume && opts.force) fail('--resume continues a run and --force starts it again: give one of them');
if (!existsSync(join(opts.data, 'tags.csv'))) fail(`${opts.data}: no tags.csv there (columns image,tags; docs/own-data.md)`);
const run = resolve(opts.runsDir, opts.name);
const model = resolve(opts.modelsDir ?? process.env.GFF_MODELS_DIR ?? 'models', opts.name);
if (existsSync(model) && !opts.resume && !opts.force) {
  fail(`${model} exists: choose another --name, or --resume (continue its run) or --force (replace it)`);
}

const budget: string[] = [];
if (opts.minutes) budget.push('--max-minutes', String(opts.minutes));
if (opts.steps) budget.push('--steps', String(opts.steps));
// With only a time or a step budget, the epoch count must not stop the run first.
budget.push('--epochs', String(opts.epochs ?? (opts.minutes || opts.steps ? 1e9 : 10)));
const trainArgs = [
  '-m',
  'training.train',
  '--data',
  opts.data,
  '--out',
  run,
  '--device',
  opts.device,
  '--fit',
  opts.fit,
  ...budget,
  ...(opts.resume ? ['--resume'] : []),
  ...(opts.force ? ['--force'] : []),
  ...program.args,
];

/** Runs python with these arguments, its output on ours; resolves with its exit status. */
function python(args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(pythonExecutable(), args, { stdio: 'inherit' });
    // Ctrl-C reaches the trainer from the terminal itself (one process group): it stops at the
    // next step with a checkpoint. A SIGTERM sent to this process alone is passed on, once.
    let forwarded = false;
    const onInt = () => {};
    const onTerm = () => {
      if (!forwarded) child.kill('SIGTERM');
      forwarded = true;
    };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', (e) => {
      console.error(`error: cannot start ${pythonExecutable()} (${e.message}); set GFF_PYTHON to a Python with PyTorch`);
      done(2);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done(code ?? (signal ? 130 : 1));
    });
  });
}

const trained = await python(trainArgs);
if (trained !== 0) process.exit(trained);

const staging = join(run, 'export');
rmSync(staging, { recursive: true, force: true });
const exported = await python(['-m', 'training.export', run, staging, '--id', opts.name, '--name', opts.name]);
if (exported !== 0) {
  rmSync(staging, { recursive: true, force: true });
  process.exit(exported);
}
/** Moves the finished export into place: the model folder is never half written. */
function install(): void {
  mkdirSync(dirname(model), { recursive: true });
  const old = `${model}.replaced-${process.pid}`;
  if (existsSync(model)) renameSync(model, old);
  try {
    renameSync(staging, model);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    cpSync(staging, model, { recursive: true }); // runs/ and models/ on two file systems
    rmSync(staging, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}
try {
  install();
} catch (e) {
  fail(`cannot move the model into ${model} (${(e as Error).message}); it is in ${staging}`);
}
const modelsFlag = opts.modelsDir ? ` --models-dir ${opts.modelsDir}` : '';
console.log(
  `model ${opts.name} is in ${model}\n` +
    `  draw:     npx gff${modelsFlag} --model ${opts.name} gacha -o gacha.png\n` +
    `  tags:     npx gff${modelsFlag} --model ${opts.name} tags\n` +
    `  continue: npm run train -- --data ${opts.data} --name ${opts.name} --resume [--minutes N]\n` +
    `  judge:    npm run evaluate -- --data ${opts.data} --model ${opts.name}`,
);
