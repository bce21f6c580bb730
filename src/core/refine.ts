/** One round of the refine loop, drawn: her and up to 8 others, numbered (refine-codes.ts plans them). */
import { randomInt } from 'node:crypto';
import { requireModel } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import type { Girl } from './girl.ts';
import { gridPng } from './pictures.ts';
import { PART_TITLES, REFINE_ROUNDS, checkRound, refineRound, type RefineRoundPlan } from './refine-codes.ts';
import { UserError } from './errors.ts';

export { REFINE_ROUNDS, REFINE_PARTS, REFINE_TILES, type RefinePart } from './refine-codes.ts';

export interface RefineRequest {
  girl: Girl;
  /** 1 … REFINE_ROUNDS. */
  round: number;
  /** For the σ fallback's noise; random when omitted. */
  noiseSeed?: number;
}

export type RefineResult = CoreResult & Omit<RefineRoundPlan, 'zs'> & { noiseSeed: number };

export async function refine(ctx: CoreContext, req: RefineRequest): Promise<RefineResult> {
  if (!Number.isInteger(req.round) || req.round < 1 || req.round > REFINE_ROUNDS) {
    throw new UserError('bad_number', `A refine round is a whole number from 1 to ${REFINE_ROUNDS} (got ${req.round}).`);
  }
  const model = requireModel(ctx.catalog, req.girl.modelId);
  const noiseSeed = req.noiseSeed ?? randomInt(0, 0xffffffff);
  const { zs, ...plan } = refineRound(model, req.girl, checkRound(req.round), noiseSeed);
  const girls: Girl[] = zs.map((z) => ({ modelId: model.id, z, tags: req.girl.tags }));
  const images = await drawGirls(ctx, girls);
  const how = plan.mode === 'codes' ? PART_TITLES[plan.part] : `variations, σ ${plan.sigma}`;
  const picture = await gridPng(ctx, 'refine.png', images, {
    numbers: true,
    columns: 3,
    title: `round ${plan.round}/${REFINE_ROUNDS}: ${how}`,
    captions: girls.map((_, i) => (i === 0 ? 'as she is' : '')),
  });
  return { ...plan, noiseSeed, attachments: [picture], girls };
}
