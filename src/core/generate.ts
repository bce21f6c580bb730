/** One girl at full size, from a share code or from seed + tags. */
import { requireModel } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import { UserError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';
import { describeTags, girlFromCode, seedGirl, type Girl } from './girl.ts';
import { checkSeed } from './limits.ts';
import { gridPng } from './pictures.ts';
import { mergeTags, resolveTags } from './tags-input.ts';

export interface GenerateGirlRequest {
  code?: string;
  seed?: number;
  /** With a seed: the tags. With a code: put onto hers (named groups replaced, the rest kept). */
  tags?: string;
  modelId?: string;
  /**
   * With a seed: fill the exclusive tag groups the tags leave empty (hair colour, eyes, …)
   * per seed, as the gacha does, so seed N is gacha tile N (default true).
   */
  randomFill?: boolean;
  /** With randomFill false: fill those groups with each group's most common tag (SeedOptions). */
  typicalFill?: boolean;
  /** Display size in px (default 4× a 64 px picture, 2× a larger one). */
  size?: number;
}

/** The girl a generate request names. */
export function resolveGirl(ctx: CoreContext, req: GenerateGirlRequest): Girl {
  if (req.code !== undefined) {
    const girl = girlFromCode(ctx.catalog, req.code);
    if (req.tags === undefined || req.tags.trim() === '') return girl;
    // The groups the tags do not name keep hers: a code's girl with only "pink_hair" is still her.
    const model = requireModel(ctx.catalog, girl.modelId);
    return { ...girl, tags: mergeTags(model, girl.tags, resolveTags(model, req.tags).names) };
  }
  if (req.seed === undefined) throw new UserError('bad_code', 'Give a share code, or a seed (and tags).', errorDetail('generate.nothing'));
  const model = requireModel(ctx.catalog, req.modelId);
  const seed = checkSeed(req.seed);
  // The gacha's recipe (gachaGirl with ψ 1): the same seed and tags give the same girl everywhere.
  return seedGirl(model, seed, resolveTags(model, req.tags).vector, { randomFill: req.randomFill !== false, typicalFill: req.typicalFill === true });
}

export async function generate(ctx: CoreContext, req: GenerateGirlRequest): Promise<CoreResult> {
  const girl = resolveGirl(ctx, req);
  const model = requireModel(ctx.catalog, girl.modelId);
  const [tile] = await drawGirls(ctx, [girl]);
  // The drawn size: her model's, or another size of her family's (ctx.pictureSize).
  const drawn = tile!.width;
  const size = req.size ?? (drawn <= 64 ? drawn * 4 : drawn * 2);
  const picture = await gridPng(ctx, 'girl.png', [tile!], { tileSize: size, captions: [describeTags(model.vocabulary, girl.tags)] });
  return { attachments: [picture], girls: [girl] };
}
