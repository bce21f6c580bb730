/** Turns CLI words into girls: a share code, or a seed read with the --tags of the command. */
import type { CoreContext } from '../core/context.ts';
import { resolveGirl } from '../core/generate.ts';
import { girlFromCode, type Girl } from '../core/girl.ts';

/** "123" → seed 123 (with `tags`); anything else → a share code. */
export function girlFromArg(ctx: CoreContext, arg: string, tags: string | undefined, modelId?: string): Girl {
  if (/^\d+$/.test(arg.trim())) {
    return resolveGirl(ctx, { seed: Number(arg), tags, modelId });
  }
  return girlFromCode(ctx.catalog, arg);
}
