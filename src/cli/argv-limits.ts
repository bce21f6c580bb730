/**
 * Command-line length limits, checked before anything starts: ONNX Runtime crashes (SIGSEGV,
 * no message) when it creates a session in a process whose arguments are ~30 kB long, and no
 * real argument comes near that — a share code is at most a few hundred characters
 * (MAX_SHARE_CODE_LENGTH allows for the widest models), a tag list a few dozen words.
 */
import { MAX_SHARE_CODE_LENGTH } from '../latent/share-code.ts';
import { CliError } from './errors.ts';

/** One argument: room for the longest share code (or a long tag list). */
export const MAX_ARG_LENGTH = MAX_SHARE_CODE_LENGTH;
/** All arguments together: four codes for a blend and six rows of tags fit many times over. */
export const MAX_ARGV_LENGTH = 16_384;

/** Throws CliError naming the first argument that is too long, or the total. */
export function checkArgvLengths(args: readonly string[]): void {
  args.forEach((a, i) => {
    if (a.length > MAX_ARG_LENGTH) {
      const after = i > 0 && args[i - 1]!.startsWith('-') ? ` after ${args[i - 1]}` : '';
      throw new CliError(
        `the argument${after} is ${a.length} characters long; at most ${MAX_ARG_LENGTH} are read (a share code is far shorter: copy it again)`,
      );
    }
  });
  const total = args.reduce((n, a) => n + a.length + 1, 0);
  if (total > MAX_ARGV_LENGTH) throw new CliError(`the command line is ${total} characters long; at most ${MAX_ARGV_LENGTH} are read`);
}
