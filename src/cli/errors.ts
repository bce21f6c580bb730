/** Which errors are the user's to fix (one line, exit 2) and which are ours (exit 1). */
import { CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { UserError } from '../core/errors.ts';
import { BusyError, GeneratorError, ModelLoadError } from '../gan/errors.ts';
import { ShareCodeError } from '../latent/errors.ts';
import { RenderError } from '../render/errors.ts';

export const EXIT_USAGE = 2;

/** A problem with the command line itself (an option's value, the output path): one line, exit 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function isUserFacing(e: unknown): e is Error {
  return (
    e instanceof CliError ||
    e instanceof UserError ||
    e instanceof ShareCodeError ||
    e instanceof ModelLoadError ||
    e instanceof ConfigError ||
    e instanceof BusyError ||
    e instanceof RenderError ||
    (e instanceof GeneratorError && (e.code === 'unknown_model' || e.code === 'bad_request' || e.code === 'request_too_large')) ||
    (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT') ||
    (e instanceof Error && (e as NodeJS.ErrnoException).code === 'EACCES') ||
    e instanceof CommanderError
  );
}

/**
 * A model named by --model that the folder lacks: the runtime words it for GFF_DEFAULT_MODEL
 * ("The default model …"), but on the command line it is the option the user typed.
 */
export function modelOptionError(e: unknown, model: string | undefined, modelsDir: string): unknown {
  if (model === undefined || !(e instanceof GeneratorError) || e.code !== 'unknown_model') return e;
  const models = /\(([^()]*)\)\.?$/.exec(e.message)?.[1];
  return new CliError(`--model "${model}": there is no such model in ${modelsDir}${models ? ` (models: ${models})` : ''}`);
}

/** Messages with several lines (one per unknown tag) as one line on stderr. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}
