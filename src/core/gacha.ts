/** Infinite gacha: n fresh girls for the tags, seeds base … base+n−1, numbered grid. */
import { randomInt } from 'node:crypto';
import { requireModel, type ModelEntry } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import { seedGirl, type Girl } from './girl.ts';
import { LIMITS, checkSeed, intInRange, numberInRange } from './limits.ts';
import { gridPng } from './pictures.ts';
import { FILL_VERSION, resolveTags, type FillVersion, type ResolvedTags } from './tags-input.ts';
import { seedRangeText } from './seed-range.ts';

export interface GachaRequest {
  modelId?: string;
  /** Tag text as typed ("blonde_hair, smile", 金髪 笑顔 …). */
  tags?: string;
  /** Or tags already resolved (a reroll of a stored picture): used instead of `tags`. */
  requested?: ResolvedTags;
  count?: number;
  /** First seed; random when omitted. */
  seed?: number;
  /** Truncation ψ: < 1 trades variety for typical faces. */
  psi?: number;
  /** Fill exclusive sets the user left empty with a random tag per girl (default true). */
  randomFill?: boolean;
  /** With randomFill false: each empty set gets its most common tag (SeedOptions.typicalFill). */
  typicalFill?: boolean;
}

/**
 * A gacha draw, typed: all it takes to redraw any of its tiles, with no user text in it.
 * The bot stores it (src/commands/shared/stored-pictures.ts) and its buttons redraw from it.
 */
export interface GachaRecipe {
  modelId: string;
  /** The tags asked for (before the random fill), with their names and notes. */
  requested: ResolvedTags;
  /** One per tile: base, base+1, … */
  seeds: number[];
  psi: number;
  randomFill: boolean;
  /** The random fill's version (tags-input.ts): the latest for new draws, a stored picture's own for its buttons. */
  fillVersion: FillVersion;
  /** See GachaRequest (the command line's --no-random-fill; never stored). */
  typicalFill?: boolean;
}

/** The girls of a recipe's tiles, without drawing them. */
export interface GachaPlan extends GachaRecipe {
  girls: Girl[];
}

export interface GachaResult extends CoreResult, GachaPlan {}

/** Tile girl of a gacha recipe: the seed's z (ψ-truncated) under the requested tags, filled per seed. */
export function gachaGirl(model: ModelEntry, recipe: Omit<GachaRecipe, 'seeds' | 'modelId'>, seed: number): Girl {
  return seedGirl(model, seed, recipe.requested.vector, {
    psi: recipe.psi,
    randomFill: recipe.randomFill,
    fillVersion: recipe.fillVersion,
    typicalFill: recipe.typicalFill === true,
  });
}

/** The girls a gacha draws, without drawing them (buttons rebuild them from stored rows). */
export function gachaGirls(ctx: CoreContext, req: GachaRequest): GachaPlan {
  const model = requireModel(ctx.catalog, req.modelId);
  const count = intInRange(req.count, LIMITS.gachaCount, 'The number of girls');
  const psi = numberInRange(req.psi, LIMITS.psi, 'ψ (truncation)');
  const base = req.seed === undefined ? randomInt(0, 0xffffffff - LIMITS.gachaCount.max) : checkSeed(req.seed);
  const requested = req.requested ?? resolveTags(model, req.tags);
  const seeds = Array.from({ length: count }, (_, i) => (base + i) >>> 0);
  const recipe: GachaRecipe = {
    modelId: model.id,
    requested,
    seeds,
    psi,
    randomFill: req.randomFill !== false,
    fillVersion: FILL_VERSION,
    ...(req.typicalFill ? { typicalFill: true } : {}),
  };
  return { ...recipe, girls: seeds.map((seed) => gachaGirl(model, recipe, seed)) };
}

export async function gacha(ctx: CoreContext, req: GachaRequest): Promise<GachaResult> {
  const plan = gachaGirls(ctx, req);
  const tiles = await drawGirls(ctx, plan.girls);
  const title = `${plan.seeds.length > 1 ? 'seeds' : 'seed'} ${seedRangeText(plan.seeds)}${plan.requested.names.length ? ` · ${plan.requested.names.join(', ')}` : ''}`;
  const grid = await gridPng(ctx, 'gacha.png', tiles, { numbers: true, title });
  return { ...plan, attachments: [grid] };
}
