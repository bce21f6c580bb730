/**
 * Variations of one girl. On a model with coded parts (card training.factorCodes), unless a σ
 * is asked for, each variation redraws one part a user can name — hair and face outline, eyes
 * and brows, mouth and nose, framing and colours, in turn — and keeps every other number of her
 * z (refine-codes.ts partVariations). Otherwise z + σ·noise renormalised, like Waifu Labs'
 * narrowing steps. Either way the seed decides: the same seed draws the same variations.
 */
import { variations as perturb } from '../latent/interpolate.ts';
import { randomInt } from 'node:crypto';
import { requireModel } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import type { Girl } from './girl.ts';
import { LIMITS, intInRange, numberInRange } from './limits.ts';
import { gridPng } from './pictures.ts';
import { PART_TITLES, partVariations, type RefinePart } from './refine-codes.ts';

export interface VariationsRequest {
  girl: Girl;
  count?: number;
  /** Given: σ noise on every number of z, even on a model with coded parts. */
  sigma?: number;
  seed?: number;
}

export type VariationsResult = CoreResult & {
  seed: number;
  /** 'codes': each tile redraws one coded part (`parts`); 'sigma': z + σ·noise. */
  mode: 'codes' | 'sigma';
  /** The σ used (mode 'sigma'). */
  sigma?: number;
  /** The part each variation redraws, tile 2 first (mode 'codes'). */
  parts?: RefinePart[];
};

/** Tile 1 is the girl herself, tiles 2… her variations. */
export async function variations(ctx: CoreContext, req: VariationsRequest): Promise<VariationsResult> {
  const count = intInRange(req.count, LIMITS.variations, 'The number of variations');
  const sigma = req.sigma === undefined ? undefined : numberInRange(req.sigma, LIMITS.sigma, 'σ (how far variations stray)');
  const seed = req.seed ?? randomInt(0, 0xffffffff);
  const model = requireModel(ctx.catalog, req.girl.modelId);
  const of = (z: Float32Array): Girl => ({ modelId: req.girl.modelId, z, tags: req.girl.tags });
  const byPart = sigma === undefined ? partVariations(model, req.girl, count, seed) : [];
  if (byPart.length > 0) {
    const girls = [req.girl, ...byPart.map((v) => of(v.z))];
    const captions = ['original', ...byPart.map((v) => PART_TITLES[v.part])];
    const picture = await gridPng(ctx, 'variations.png', await drawGirls(ctx, girls), { numbers: true, captions });
    return { attachments: [picture], girls, seed, mode: 'codes', parts: byPart.map((v) => v.part) };
  }
  const s = sigma ?? LIMITS.sigma.default;
  const girls: Girl[] = [req.girl, ...perturb(req.girl.z, s, count, seed).map(of)];
  const captions = girls.map((_, i) => (i === 0 ? 'original' : ''));
  const picture = await gridPng(ctx, 'variations.png', await drawGirls(ctx, girls), { numbers: true, captions });
  return { attachments: [picture], girls, seed, mode: 'sigma', sigma: s };
}
