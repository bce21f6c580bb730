/**
 * `gff`: the bot's operations on the command line, files instead of chat.
 *   gff gacha --tags "blonde_hair, smile" -n 9 --seed 42 -o gacha.png
 *   gff generate --code … | --seed 7 --tags "red_hair" -o girl.png
 *   gff restyle --girl 42 --girl <code> --columns 6 --row "blonde_hair" --row "blue_hair, glasses" -o restyle.png
 *   gff morph --girl 42 --from "red_hair" --to "blue_hair, smile" --steps 7 -o morph.webp
 *   gff blend --girl 1 --girl 2 [--girl 3 --girl 4] --steps 7 -o blend.png
 *   gff variations --girl 42 -n 8 -o variations.png
 *   gff refine --girl 42 --round 1 -o round1.png   (then --girl <a tile's code> --round 2 …)
 *   gff tags   ·   gff code --seed 42 --tags "…"   ·   gff bench
 * The drawing commands take --px 256: her model's 256 px sibling draws her (card.json sizes).
 * Bad input → one line on stderr and exit code 2; never a stack trace.
 */
import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_PREFERENCES, loadConfig, MAX_WORKERS } from './config.ts';
import { blend } from './core/blend.ts';
import { requireModel } from './core/catalog.ts';
import type { Attachment, CoreContext } from './core/context.ts';
import { gacha } from './core/gacha.ts';
import { generate, resolveGirl } from './core/generate.ts';
import { checkPictureSize } from './core/picture-size.ts';
import { describeTags, shareCodeOf } from './core/girl.ts';
import { morph } from './core/morph.ts';
import { restyle } from './core/restyle.ts';
import { variations } from './core/variations.ts';
import { REFINE_ROUNDS, refine } from './core/refine.ts';
import { PART_TITLES } from './core/refine-codes.ts';
import { girlFromArg } from './cli/girl-args.ts';
import { EXIT_USAGE, isUserFacing, modelOptionError, oneLine } from './cli/errors.ts';
import { checkOutput, encodeFor, writeOutput } from './cli/output.ts';
import { checkArgvLengths } from './cli/argv-limits.ts';
import { startRuntime, type Runtime } from './runtime.ts';

const int = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${what} must be a whole number`);
  return n;
};
const num = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${what} must be a number`);
  return n;
};
/** More threads than MAX_WORKERS cost memory (each holds its own runtime and model) and gain nothing. */
const workersArg = (v: string) => {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < 0 || n > MAX_WORKERS) {
    throw new InvalidArgumentError(`--workers must be a whole number from 0 (this thread) to ${MAX_WORKERS}`);
  }
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

interface Globals {
  model?: string;
  modelsDir?: string;
  backend?: string;
  workers?: number;
}

let runtime: Runtime | undefined;

async function context(cmd: Command): Promise<CoreContext> {
  const g = cmd.optsWithGlobals<Globals>();
  const config = loadConfig({
    ...process.env,
    ...(g.modelsDir ? { GFF_MODELS_DIR: g.modelsDir } : {}),
    ...(g.backend ? { GFF_BACKEND: g.backend } : {}),
    ...(g.model ? { GFF_DEFAULT_MODEL: g.model } : {}),
  });
  // One worker: a CLI call draws one batch, and starting a second thread costs more than it saves.
  // No --model and no GFF_DEFAULT_MODEL: "default" when the folder has it, else its only model.
  const namedDefault = g.model !== undefined || (process.env.GFF_DEFAULT_MODEL ?? '') !== '';
  try {
    runtime ??= await startRuntime({
      modelsDir: config.GFF_MODELS_DIR,
      ...(namedDefault ? { defaultModelId: config.GFF_DEFAULT_MODEL } : {}),
      backend: config.GFF_BACKEND,
      workers: g.workers ?? 0,
    });
  } catch (e) {
    throw modelOptionError(e, g.model, config.GFF_MODELS_DIR);
  }
  const px = cmd.opts<{ px?: number }>().px;
  // Checked before anything is drawn: a size no model here draws is a usage error.
  if (px !== undefined) checkPictureSize(runtime.catalog, px);
  return runtime.context(Number.MAX_SAFE_INTEGER, undefined, px === undefined ? undefined : { px, strict: true });
}

/** --px: the picture size; a girl whose model family has no such size is an error (core/picture-size.ts). */
const pxOption = () =>
  new Option(
    '--px <n>',
    "picture size in px (e.g. 128 or 256): drawn by the model of her family that draws that size (card.json sizes); her share code keeps her own model (default: her model's size)",
  ).argParser(int('--px'));

/** Writes the picture in the format `out`'s extension names (-o x.jpg: a JPEG). */
async function save(out: string, attachment: Attachment): Promise<void> {
  const data = await encodeFor(out, attachment.data, attachment.contentType);
  await writeOutput(out, data);
  process.stdout.write(`wrote ${out} (${(data.length / 1024).toFixed(1)} KiB)\n`);
}

const program = new Command('gff')
  .description('Girl Friend Factory: draw anime-style faces from tags with a tag-conditioned GAN.')
  .option('--model <id>', 'model id (default: GFF_DEFAULT_MODEL or "default")')
  .option('--models-dir <dir>', 'folder of models (default: GFF_MODELS_DIR or ./models)')
  .addOption(
    new Option('--backend <name>', 'inference backend (default: GFF_BACKEND or auto: ONNX Runtime, else the fastest TensorFlow.js one)').choices([
      ...BACKEND_PREFERENCES,
    ]),
  )
  .option('--workers <n>', `generator worker threads (0 = this thread, at most ${MAX_WORKERS})`, workersArg)
  .exitOverride()
  // A bad -o fails before anything is drawn.
  .hook('preAction', (_program, action) => {
    const out = action.opts<{ out?: unknown }>().out;
    if (typeof out === 'string') checkOutput(out);
  })
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('gacha')
  .description('a numbered grid of fresh random girls for the tags')
  .option('-t, --tags <text>', 'tags, comma or space separated (Danbooru names or Japanese)', '')
  .option('-n, --count <n>', 'how many girls (1–25)', int('--count'), 9)
  .option('-s, --seed <n>', 'first seed (default: random)', int('--seed'))
  .option('--psi <x>', 'truncation ψ (0.3–1.5; below 1 = more typical faces)', num('--psi'))
  .option('--no-random-fill', 'hair colour, hairstyle… not named: the most common of each, not a draw per seed')
  .addOption(pxOption())
  .option('-o, --out <file>', 'output PNG', 'gacha.png')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    const r = await gacha(ctx, {
      tags: o.tags,
      count: o.count,
      seed: o.seed,
      psi: o.psi,
      randomFill: o.randomFill,
      typicalFill: true,
      ...(cmd.optsWithGlobals().model ? { modelId: cmd.optsWithGlobals().model } : {}),
    });
    await save(o.out, r.attachments[0]!);
    for (const w of r.requested.warnings) process.stdout.write(`note: ${w.message}\n`);
    const vocab = requireModel(ctx.catalog, r.modelId).vocabulary;
    r.girls.forEach((g, i) => process.stdout.write(`#${i + 1} seed ${g.seed} [${describeTags(vocab, g.tags)}] code ${shareCodeOf(g)}\n`));
  });

program
  .command('generate')
  .description('one girl at full size, from a share code or a seed and tags')
  .option('-c, --code <code>', 'share code')
  .option('-s, --seed <n>', 'seed', int('--seed'))
  .option('-t, --tags <text>', 'tags (with --seed; with --code they are put on her: the groups not named stay hers)')
  .option('--no-random-fill', 'with --seed: hair colour, hairstyle… not named are the most common of each (default: as gacha tile <seed>)')
  .option('--size <px>', 'display size in px: the picture enlarged (--px sets the size it is drawn at)', int('--size'))
  .addOption(pxOption())
  .option('-o, --out <file>', 'output PNG', 'girl.png')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    const r = await generate(ctx, {
      code: o.code,
      seed: o.seed,
      tags: o.tags,
      size: o.size,
      modelId: cmd.optsWithGlobals().model,
      randomFill: o.randomFill !== false,
      typicalFill: true,
    });
    await save(o.out, r.attachments[0]!);
    process.stdout.write(`code ${shareCodeOf(r.girls[0]!)}\n`);
  });

program
  .command('restyle')
  .description('the same girls redrawn with other tags: girls are columns, tag sets rows')
  .requiredOption('-g, --girl <seed|code>', 'a girl (repeat)', collect)
  .requiredOption('-r, --row <tags>', 'a tag set (repeat for more rows)', collect)
  .option('--columns <n>', 'exactly n columns: the first girls, then random ones', int('--columns'))
  .option('--no-keep', 'a row drops her other tags; only hair colour, eyes, mouth… it does not name stay hers (default: all her tags it does not name stay)')
  .addOption(pxOption())
  .option('-o, --out <file>', 'output PNG', 'restyle.png')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    const girls = (o.girl as string[]).map((a) => girlFromArg(ctx, a, undefined, cmd.optsWithGlobals().model));
    const columnLabels = girls.map((g, i) => (g.seed !== undefined ? `seed ${g.seed}` : `code ${i + 1}`));
    const r = await restyle(ctx, { girls, tagSets: o.row, columns: o.columns, keep: o.keep !== false, columnLabels });
    await save(o.out, r.attachments[0]!);
    // Row by row, each column's girl as drawn: the tags she wore in that cell and her code.
    const columns = r.girls.length / r.rowNames.length;
    r.girls.forEach((g, i) => {
      const row = Math.floor(i / columns);
      const col = i % columns;
      const label = col < columnLabels.length ? columnLabels[col] : `seed ${g.seed}`;
      const vocab = requireModel(ctx.catalog, g.modelId).vocabulary;
      process.stdout.write(`#${i + 1} row ${row + 1} ${label} [${describeTags(vocab, g.tags)}] code ${shareCodeOf(g)}\n`);
    });
  });

program
  .command('morph')
  .description('one girl, tags interpolated from --from to --to (both ends included)')
  .requiredOption('-g, --girl <seed|code>', 'the girl')
  .option('--from <tags>', 'start tags (default: the girl’s own)')
  .requiredOption('--to <tags>', 'target tags')
  .option('--steps <n>', 'frames (2–16)', int('--steps'), 7)
  .option(
    '--no-keep',
    'the target drops her other tags; only hair colour, eyes, mouth… --to does not name stay hers (default: all her tags it does not name stay)',
  )
  .addOption(pxOption())
  .option('-o, --out <file>', 'output: .png strip, or .webp/.gif animation (the strip is written beside it)', 'morph.webp')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    const girl = girlFromArg(ctx, o.girl, undefined, cmd.optsWithGlobals().model);
    const ext = extname(o.out).toLowerCase();
    const animated = ext === '.webp' || ext === '.gif';
    const r = await morph(ctx, {
      girl,
      ...(o.from !== undefined ? { fromText: o.from } : {}),
      to: o.to,
      steps: o.steps,
      keep: o.keep !== false,
      animation: animated ? (ext === '.gif' ? 'gif' : 'webp') : false,
    });
    if (animated) {
      await save(o.out, r.attachments[1]!);
      await save(`${o.out.slice(0, -ext.length)}.png`, r.attachments[0]!);
    } else {
      await save(o.out, r.attachments[0]!);
    }
    const vocab = requireModel(ctx.catalog, girl.modelId).vocabulary;
    process.stdout.write(`from [${describeTags(vocab, r.from)}] to [${describeTags(vocab, r.to)}]\n`);
    process.stdout.write(`last frame code ${shareCodeOf(r.girls[r.girls.length - 1]!)}\n`);
  });

program
  .command('blend')
  .description('z of 2 girls blended as a strip; 3–4 girls as the corners of a grid')
  .requiredOption('-g, --girl <seed|code>', 'a girl (2–4 times)', collect)
  .option('-t, --tags <text>', 'tags put on every girl (default: each keeps her own)')
  .option('--steps <n>', 'strip length (2 girls, 2–16) or grid side (3–4 girls, 2–7)', int('--steps'))
  .addOption(new Option('--interpolation <kind>', 'z interpolation').choices(['slerp', 'lerp']).default('slerp'))
  .addOption(pxOption())
  .option('-o, --out <file>', 'output PNG', 'blend.png')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    const girls = (o.girl as string[]).map((a) => girlFromArg(ctx, a, undefined, cmd.optsWithGlobals().model));
    const labels = girls.map((g, i) => (g.seed !== undefined ? `seed ${g.seed}` : `code ${i + 1}`));
    const r = await blend(ctx, { girls, steps: o.steps, tags: o.tags, interpolation: o.interpolation, labels });
    await save(o.out, r.attachments[0]!);
    const vocab = requireModel(ctx.catalog, girls[0]!.modelId).vocabulary;
    process.stdout.write(
      r.namedTags.length ? `tags ${r.namedTags.join(', ')} on every girl; the groups not named keep each girl's own\n` : "tags: each girl's own\n",
    );
    r.endTags.forEach((t, i) => process.stdout.write(`${labels[i]} [${describeTags(vocab, t)}]\n`));
  });

program
  .command('variations')
  .description(
    'variations of one girl (tile 1 is the original): on a model with coded parts each redraws one part (hair and face outline, eyes and brows, mouth and nose, framing and colours, in turn) and keeps the rest; with --sigma, or without codes, small perturbations of her whole z',
  )
  .requiredOption('-g, --girl <seed|code>', 'the girl')
  .option('-t, --tags <text>', 'tags (with a seed)')
  .option('-n, --count <n>', 'variations (2–16)', int('--count'), 8)
  .option('--sigma <x>', 'σ noise on her whole z instead, this far (0.05–1.5; 0.35 without coded parts)', num('--sigma'))
  .option('-s, --seed <n>', 'noise seed', int('--seed'))
  .addOption(pxOption())
  .option('-o, --out <file>', 'output PNG', 'variations.png')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    const girl = girlFromArg(ctx, o.girl, o.tags, cmd.optsWithGlobals().model);
    const r = await variations(ctx, { girl, count: o.count, sigma: o.sigma, seed: o.seed });
    await save(o.out, r.attachments[0]!);
    const vocab = requireModel(ctx.catalog, girl.modelId).vocabulary;
    const how = r.mode === 'codes' ? 'one part redrawn per tile' : `σ ${r.sigma}`;
    process.stdout.write(`tags [${describeTags(vocab, girl.tags)}] (every tile), ${how}, noise seed ${r.seed}\n`);
    r.girls.forEach((g, i) => process.stdout.write(`#${i + 1}${i > 0 && r.parts ? ` ${PART_TITLES[r.parts[i - 1]!]}` : ''} code ${shareCodeOf(g)}\n`));
  });

program
  .command('refine')
  .description(
    `one round of the refine loop: tile 1 is the girl, tiles 2–9 redraw one part (round 1 hair and face outline, 2 eyes and brows, 3 mouth and nose, 4 framing and colours); pass a tile's code to the next round`,
  )
  .requiredOption('-g, --girl <seed|code>', 'the girl')
  .option('-t, --tags <text>', 'tags (with a seed)')
  .option('-r, --round <n>', `round (1–${REFINE_ROUNDS})`, int('--round'), 1)
  .option('-s, --seed <n>', 'noise seed (models without coded parts only)', int('--seed'))
  .addOption(pxOption())
  .option('-o, --out <file>', 'output PNG', 'refine.png')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    const girl = girlFromArg(ctx, o.girl, o.tags, cmd.optsWithGlobals().model);
    const r = await refine(ctx, { girl, round: o.round, noiseSeed: o.seed });
    await save(o.out, r.attachments[0]!);
    const how = r.mode === 'codes' ? `redraws ${r.numbers!.map((n) => n.name).join(', ')}` : `variations at σ ${r.sigma} (no coded parts)`;
    process.stdout.write(`round ${r.round}/${REFINE_ROUNDS}: ${how}\n`);
    r.girls.forEach((g, i) => process.stdout.write(`#${i + 1} code ${shareCodeOf(g)}\n`));
  });

program
  .command('code')
  .description('print the share code of a seed and tags')
  .requiredOption('-s, --seed <n>', 'seed', int('--seed'))
  .option('-t, --tags <text>', 'tags', '')
  .action(async (o, cmd) => {
    const ctx = await context(cmd);
    process.stdout.write(`${shareCodeOf(resolveGirl(ctx, { seed: o.seed, tags: o.tags, modelId: cmd.optsWithGlobals().model }))}\n`);
  });

program
  .command('tags')
  .description('the tag vocabulary, grouped, with Japanese names')
  .action(async (_o, cmd) => {
    const ctx = await context(cmd);
    const model = requireModel(ctx.catalog, cmd.optsWithGlobals().model);
    for (const { group, entries } of model.vocabulary.groups()) {
      process.stdout.write(`${group}\n`);
      for (const e of entries) process.stdout.write(`  ${e.name.padEnd(22)} ${e.ja}${e.aliases.length ? `  (${e.aliases.join(', ')})` : ''}\n`);
    }
  });

program
  .command('bench')
  .description('generator speed on this machine: several minutes, it says how long (same as npm run bench)')
  .allowUnknownOption()
  .action(async () => {
    // A separate program (tools/ depends on src/, never the reverse): run it as a child process.
    const bench = fileURLToPath(new URL('../tools/bench-generator.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', bench, ...process.argv.slice(2)], { stdio: 'inherit' });
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    if (code !== 0) process.exitCode = code;
  });

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

async function main(): Promise<number> {
  try {
    // Before anything starts: ONNX Runtime cannot start in a process with ~30 kB of arguments.
    checkArgvLengths(process.argv.slice(2));
    await program.parseAsync(process.argv);
    return 0;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    // Help asked for → 0; help shown because no subcommand was given → usage error.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err.code?.startsWith('commander.')) return EXIT_USAGE; // commander already printed its one line
    if (isUserFacing(e)) {
      process.stderr.write(`gff: ${oneLine((e as Error).message)}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(
      `gff: internal error: ${(e as Error)?.message ?? String(e)}${process.env.GFF_DEBUG ? `\n${(e as Error)?.stack}` : ' (set GFF_DEBUG=1 for details)'}\n`,
    );
    return 1;
  } finally {
    await runtime?.close();
  }
}

process.exitCode = await main();
