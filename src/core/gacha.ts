/** Infinite gacha: n fresh girls for the tags, seeds base … base+n−1, numbered grid. */
import { randomInt } from 'node:crypto';
import { seedToZ } from '../gan/seed-random.ts';
import { truncate } from '../gan/latent.ts';
import { requireModel } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import type { Girl } from './girl.ts';
import { LIMITS, checkSeed, intInRange, numberInRange } from './limits.ts';
import { gridPng } from './pictures.ts';
import { fillExclusiveSets, resolveTags, type ResolvedTags } from './tags-input.ts';

export interface GachaRequest {
  modelId?: string;
  /** Tag text as typed ("blonde_hair, smile", 金髪 笑顔 …). */
  tags?: string;
  count?: number;
  /** First seed; random when omitted. */
  seed?: number;
  /** Truncation ψ: < 1 trades variety for typical faces. */
  psi?: number;
  /** Fill exclusive sets the user left empty with a random tag per girl (default true). */
  randomFill?: boolean;
}

export interface GachaResult extends CoreResult {
  seeds: number[];
  requested: ResolvedTags;
  modelId: string;
  psi: number;
}

/** The girls a gacha draws, without drawing them (buttons rebuild them from stored rows). */
export function gachaGirls(ctx: CoreContext, req: GachaRequest): { girls: Girl[]; seeds: number[]; requested: ResolvedTags; psi: number; modelId: string } {
  const model = requireModel(ctx.catalog, req.modelId);
  const count = intInRange(req.count, LIMITS.gachaCount, 'The number of girls');
  const psi = numberInRange(req.psi, LIMITS.psi, 'ψ (truncation)');
  const base = req.seed === undefined ? randomInt(0, 0xffffffff - LIMITS.gachaCount.max) : checkSeed(req.seed);
  const requested = resolveTags(model, req.tags);
  const seeds = Array.from({ length: count }, (_, i) => (base + i) >>> 0);
  const girls = seeds.map((seed) => ({
    modelId: model.id,
    seed,
    z: psi === 1 ? seedToZ(seed, model.zDim) : truncate(seedToZ(seed, model.zDim), psi),
    tags: req.randomFill === false ? requested.vector : fillExclusiveSets(model, requested.vector, seed),
  }));
  return { girls, seeds, requested, psi, modelId: model.id };
}

export async function gacha(ctx: CoreContext, req: GachaRequest): Promise<GachaResult> {
  const plan = gachaGirls(ctx, req);
  const tiles = await drawGirls(ctx, plan.girls);
  const first = plan.seeds[0]!;
  const last = plan.seeds[plan.seeds.length - 1]!;
  const title = `seeds ${first}${last !== first ? `–${last}` : ''}${plan.requested.names.length ? ` · ${plan.requested.names.join(', ')}` : ''}`;
  const grid = await gridPng(ctx, 'gacha.png', tiles, { numbers: true, title });
  return { ...plan, attachments: [grid] };
}
