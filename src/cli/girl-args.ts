/** Turns CLI words into girls: a share code, or a seed read with the --tags of the command. */
import { seedToZ } from '../gan/seed-random.ts';
import { requireModel } from '../core/catalog.ts';
import type { CoreContext } from '../core/context.ts';
import { girlFromCode, type Girl } from '../core/girl.ts';
import { checkSeed } from '../core/limits.ts';
import { resolveTags } from '../core/tags-input.ts';

/** "123" → seed 123 (with `tags`); anything else → a share code. */
export function girlFromArg(ctx: CoreContext, arg: string, tags: string | undefined, modelId?: string): Girl {
  if (/^\d+$/.test(arg.trim())) {
    const model = requireModel(ctx.catalog, modelId);
    const seed = checkSeed(Number(arg));
    return { modelId: model.id, seed, z: seedToZ(seed, model.zDim), tags: resolveTags(model, tags).vector };
  }
  return girlFromCode(ctx.catalog, arg);
}
