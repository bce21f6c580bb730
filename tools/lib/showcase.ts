/**
 * What `npm run demo` and `npm run gallery` share: opening a model folder (with one clear
 * line when the model is not there), choosing tags the model knows, writing attachments.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { requireModel, type ModelEntry } from '../../src/core/catalog.ts';
import type { Attachment, CoreContext } from '../../src/core/context.ts';
import type { Girl } from '../../src/core/girl.ts';
import { UserError } from '../../src/core/errors.ts';
import { isUserFacing } from '../../src/cli/errors.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import type { BackendPreference } from '../../src/gan/backend-plan.ts';

export interface ShowcaseOptions {
  modelsDir: string;
  model: string;
  out: string;
  backend: BackendPreference;
  /** --seed, when the tool takes one and it was given. */
  seed?: number;
}

/** --models-dir (default models), --model (default "default"), --out, --backend, and --seed when `takesSeed`. */
export function readOptions(tool: string, defaultOut: string, usage: string, takesSeed = false): ShowcaseOptions {
  try {
    const { values } = parseArgs({
      options: {
        'models-dir': { type: 'string', default: 'models' },
        model: { type: 'string', default: 'default' },
        out: { type: 'string', default: defaultOut },
        backend: { type: 'string', default: 'auto' },
        help: { type: 'boolean', default: false },
        ...(takesSeed ? { seed: { type: 'string' as const } } : {}),
      },
    });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const seedText = (values as { seed?: string }).seed;
    const seed = seedText === undefined ? undefined : Number(seedText);
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff - 32)) {
      throw new UserError('bad_number', `--seed must be a whole number from 0 to ${0xffffffff - 32} (got ${seedText}).`);
    }
    return {
      modelsDir: values['models-dir']!,
      model: values.model!,
      out: values.out!,
      backend: values.backend as BackendPreference,
      ...(seed !== undefined ? { seed } : {}),
    };
  } catch (e) {
    return fail(tool, e);
  }
}

export interface Opened {
  runtime: Runtime;
  ctx: CoreContext;
  model: ModelEntry;
}

/** The runtime over the models folder, or one line on stderr and exit 2 when the model is missing or broken. */
export async function openModel(tool: string, opts: ShowcaseOptions): Promise<Opened> {
  const dir = path.join(opts.modelsDir, opts.model);
  try {
    await access(path.join(dir, 'card.json'));
  } catch {
    return fail(
      tool,
      new Error(`there is no model at ${dir} (no card.json): train and export one first (see training/), or pass --models-dir and --model.`),
      true,
    );
  }
  try {
    const runtime = await startRuntime({ modelsDir: opts.modelsDir, defaultModelId: opts.model, backend: opts.backend, workers: 0 });
    const ctx = runtime.context(Number.MAX_SAFE_INTEGER);
    return { runtime, ctx, model: requireModel(ctx.catalog) };
  } catch (e) {
    return fail(tool, e);
  }
}

/** One line on stderr; exit 2 for what the user can fix, 1 for anything else. */
export function fail(tool: string, e: unknown, usage = false): never {
  const message = e instanceof Error ? e.message : String(e);
  const ours = !usage && !isUserFacing(e) && !(e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'));
  process.stderr.write(`${tool}: ${ours ? 'internal error: ' : ''}${message}${ours && process.env.GFF_DEBUG ? `\n${(e as Error).stack}` : ''}\n`);
  process.exit(ours ? 1 : 2);
}

/** The names of `wanted` that the model knows, as tag text (a vocabulary may lack some). */
export function knownTags(model: ModelEntry, wanted: readonly string[]): string {
  return wanted.filter((n) => model.vocabulary.lookup(n)).join(', ');
}

/**
 * The girl's tags with the member of each named exclusive set replaced by the next one of
 * that set (red → … hair, ponytail → twintails…): a second tag set for a morph that
 * changes a few visible things and keeps the rest.
 */
export function shiftedTags(model: ModelEntry, girl: Girl, sets: readonly string[], by = 3): string[] {
  const names = model.vocabulary.namesOf(girl.tags);
  for (const set of sets) {
    const members = model.exclusiveSets.get(set);
    if (!members || members.length < 2) continue;
    const at = members.findIndex((m) => names.includes(m));
    if (at < 0) continue;
    names[names.indexOf(members[at]!)] = members[(at + by) % members.length]!;
  }
  return names;
}

/** Writes an attachment under `dir` and returns the path and size to print. */
export async function save(dir: string, name: string, attachment: Attachment): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, attachment.data);
  return `${file} (${(attachment.data.length / 1024).toFixed(1)} KiB)`;
}

/** Runs `body`, then closes the runtime; failures become one line. */
export async function run(tool: string, opened: Opened, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await opened.runtime.close().catch(() => undefined);
    fail(tool, e);
  }
  await opened.runtime.close();
}
