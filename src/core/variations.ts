/** Variations of one girl: z + σ·noise renormalised, like Waifu Labs' narrowing steps. */
import { variations as perturb } from '../latent/interpolate.ts';
import { randomInt } from 'node:crypto';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import type { Girl } from './girl.ts';
import { LIMITS, intInRange, numberInRange } from './limits.ts';
import { gridPng } from './pictures.ts';

export interface VariationsRequest {
  girl: Girl;
  count?: number;
  sigma?: number;
  seed?: number;
}

/** Tile 1 is the girl herself, tiles 2… her variations. */
export async function variations(ctx: CoreContext, req: VariationsRequest): Promise<CoreResult & { seed: number; sigma: number }> {
  const count = intInRange(req.count, LIMITS.variations, 'The number of variations');
  const sigma = numberInRange(req.sigma, LIMITS.sigma, 'σ (how far variations stray)');
  const seed = req.seed ?? randomInt(0, 0xffffffff);
  const girls: Girl[] = [req.girl, ...perturb(req.girl.z, sigma, count, seed).map((z) => ({ modelId: req.girl.modelId, z, tags: req.girl.tags }))];
  const images = await drawGirls(ctx, girls);
  const captions = girls.map((_, i) => (i === 0 ? 'original' : ''));
  const picture = await gridPng(ctx, 'variations.png', images, { numbers: true, captions });
  return { attachments: [picture], girls, seed, sigma };
}
