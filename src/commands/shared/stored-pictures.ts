/**
 * The state behind the buttons under a picture of numbered tiles, shared by every command
 * that posts one. Each posted picture is a row in gacha_results (12-character id in the
 * custom_ids), holding what is needed to rebuild any tile: a seed (plain gacha draws) or z
 * itself (variations, morph frames, blends…). So ⭐, 🔀, 🔄 and 📋 work for anyone who sees
 * the message, and after restarts, until the row expires. The buttons: tile-buttons.ts.
 *
 * This is the one boundary between the core's typed recipes (tag vectors) and the store's
 * rows (tag names → weights): nothing is turned back into user text on the way.
 */
import type { BotContext } from '../../bot/context.ts';
import { Refusal } from '../../bot/refusal.ts';
import { requireModel } from '../../core/catalog.ts';
import { gachaGirl, type GachaRecipe, type GachaRequest } from '../../core/gacha.ts';
import type { Girl } from '../../core/girl.ts';
import { vectorOf, weightsOf } from '../../core/tag-weights.ts';
import { resolveWeights } from '../../core/tags-input.ts';
import type { StoredPicture } from '../../store/index.ts';

/** Most tiles one stored picture holds (the store's bound). */
const MAX_TILES = 100;

/** Stores a gacha draw by its seeds: the tiles are rebuilt by re-running the same recipe. */
export async function saveGacha(ctx: BotContext, userId: string, r: GachaRecipe): Promise<string> {
  const saved = await ctx.results.save({
    userId,
    modelId: r.modelId,
    tags: weightsOf(requireModel(ctx.runtime.catalog, r.modelId).vocabulary, r.requested.vector),
    draws: r.seeds.map((seed) => ({ seed })),
    params: { kind: 'gacha', psi: r.psi, randomFill: r.randomFill },
  });
  return saved.id;
}

/** Stores arbitrary girls of one model by their z and tags; undefined when models are mixed. */
export async function saveGirls(ctx: BotContext, userId: string, girls: readonly Girl[], extra: { columns?: number } = {}): Promise<string | undefined> {
  const modelId = girls[0]?.modelId;
  const model = modelId === undefined ? undefined : ctx.runtime.catalog.get(modelId);
  if (!model || girls.length > MAX_TILES || girls.some((g) => g.modelId !== modelId)) return undefined;
  const tileTags = girls.map((g) => weightsOf(model.vocabulary, g.tags));
  const first = JSON.stringify(tileTags[0]);
  const uniform = tileTags.every((t) => JSON.stringify(t) === first);
  const saved = await ctx.results.save({
    userId,
    modelId: model.id,
    tags: tileTags[0]!,
    draws: girls.map((g) => ({ z: g.z })),
    params: { kind: 'girls', ...extra, ...(uniform ? {} : { tileTags }) },
  });
  return saved.id;
}

/** Stores variations of one girl (tile 1 is she herself). */
export async function saveVariations(
  ctx: BotContext,
  userId: string,
  girls: readonly Girl[],
  v: { sigma: number; noiseSeed: number; of: string },
): Promise<string> {
  const first = girls[0]!;
  const saved = await ctx.results.save({
    userId,
    modelId: first.modelId,
    tags: weightsOf(requireModel(ctx.runtime.catalog, first.modelId).vocabulary, first.tags),
    draws: girls.map((g) => ({ z: g.z })),
    params: { kind: 'variations', ...v },
  });
  return saved.id;
}

export async function loadResult(ctx: BotContext, id: string): Promise<StoredPicture> {
  const found = await ctx.results.get(id);
  if (!found.ok) throw new Refusal(found.code === 'expired' ? 'error.result_expired' : 'error.result_missing');
  return found.result;
}

/** Tile n (1-based) of a stored picture. */
export function tileGirl(ctx: BotContext, r: StoredPicture, tile: number): Girl {
  const draw = Number.isInteger(tile) ? r.draws[tile - 1] : undefined;
  if (!draw) throw new Refusal('error.tile', { tile });
  const model = requireModel(ctx.runtime.catalog, r.modelId);
  if ('seed' in draw) {
    const gacha = r.params.kind === 'gacha' ? r.params : { psi: 1, randomFill: true };
    return gachaGirl(model, { requested: resolveWeights(model, r.tags), ...gacha }, draw.seed);
  }
  const perTile = r.params.kind === 'girls' ? r.params.tileTags?.[tile - 1] : undefined;
  return { modelId: model.id, z: draw.z, tags: vectorOf(model, perTile ?? r.tags) };
}

export function allTiles(ctx: BotContext, r: StoredPicture): Girl[] {
  return r.draws.map((_, i) => tileGirl(ctx, r, i + 1));
}

/** 🔄 on a gacha picture: the same tags, count, ψ and fill, at fresh seeds. */
export function rerollRequest(ctx: BotContext, r: StoredPicture): GachaRequest {
  const model = requireModel(ctx.runtime.catalog, r.modelId);
  return {
    modelId: r.modelId,
    requested: resolveWeights(model, r.tags),
    count: r.draws.length,
    ...(r.params.kind === 'gacha' ? { psi: r.params.psi, randomFill: r.params.randomFill } : { randomFill: true }),
  };
}
