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
import { fillVersionOf, resolveWeights } from '../../core/tags-input.ts';
import type { Translate } from '../../i18n/index.ts';
import { storeFailureKind, type NewStoredPicture, type StoredPicture } from '../../store/index.ts';

/** Most tiles one stored picture holds (the store's bound). */
const MAX_TILES = 100;

/**
 * Where a posted picture's buttons point: its stored id, or why it has none — the girls are of
 * several models (`storageFailed: false`), or the storage is not answering or unavailable. A
 * picture that was drawn is posted either way: losing it to a storage outage helps no one.
 */
export type SavedPicture = { id: string } | { id?: undefined; storageFailed: boolean };

async function store(ctx: BotContext, input: NewStoredPicture): Promise<SavedPicture> {
  try {
    return { id: (await ctx.results.save(input)).id };
  } catch (e) {
    const kind = storeFailureKind(e);
    if (kind !== 'busy' && kind !== 'unavailable') throw e;
    ctx.log.warn({ code: (e as { code?: unknown }).code, reason: (e as Error).message }, 'picture posted without its buttons: storage failed');
    return { storageFailed: true };
  }
}

/** The reply's text, with a line saying why the buttons are missing when storage failed. */
export function withStorageNote(content: string, saved: SavedPicture, tr: Translate): string {
  return saved.id === undefined && saved.storageFailed ? `${content}\n${tr('tiles.no_buttons')}` : content;
}

/** Stores a gacha draw by its seeds: the tiles are rebuilt by re-running the same recipe. */
export function saveGacha(ctx: BotContext, userId: string, r: GachaRecipe): Promise<SavedPicture> {
  return store(ctx, {
    userId,
    modelId: r.modelId,
    tags: weightsOf(requireModel(ctx.runtime.catalog, r.modelId).vocabulary, r.requested.vector),
    draws: r.seeds.map((seed) => ({ seed })),
    params: { kind: 'gacha', psi: r.psi, randomFill: r.randomFill, fillVersion: r.fillVersion },
  });
}

/** Stores arbitrary girls of one model by their z and tags; no id when models are mixed. */
export async function saveGirls(ctx: BotContext, userId: string, girls: readonly Girl[], extra: { columns?: number } = {}): Promise<SavedPicture> {
  const modelId = girls[0]?.modelId;
  const model = modelId === undefined ? undefined : ctx.runtime.catalog.get(modelId);
  if (!model || girls.length > MAX_TILES || girls.some((g) => g.modelId !== modelId)) return { storageFailed: false };
  const tileTags = girls.map((g) => weightsOf(model.vocabulary, g.tags));
  const first = JSON.stringify(tileTags[0]);
  const uniform = tileTags.every((t) => JSON.stringify(t) === first);
  return store(ctx, {
    userId,
    modelId: model.id,
    tags: tileTags[0]!,
    draws: girls.map((g) => ({ z: g.z })),
    params: { kind: 'girls', ...extra, ...(uniform ? {} : { tileTags }) },
  });
}

/** Stores variations of one girl (tile 1 is she herself); `sigma` only for σ variations (not part by part). */
export function saveVariations(
  ctx: BotContext,
  userId: string,
  girls: readonly Girl[],
  v: { sigma?: number; noiseSeed: number; of: string },
): Promise<SavedPicture> {
  const first = girls[0]!;
  return store(ctx, {
    userId,
    modelId: first.modelId,
    tags: weightsOf(requireModel(ctx.runtime.catalog, first.modelId).vocabulary, first.tags),
    draws: girls.map((g) => ({ z: g.z })),
    params: { kind: 'variations', ...v },
  });
}

/** Stores one round of the refine loop (tile 1 is she as she is); only `userId` may pick from it. */
export function saveRefineRound(ctx: BotContext, userId: string, girls: readonly Girl[], round: { round: number; noiseSeed: number }): Promise<SavedPicture> {
  const first = girls[0]!;
  return store(ctx, {
    userId,
    modelId: first.modelId,
    tags: weightsOf(requireModel(ctx.runtime.catalog, first.modelId).vocabulary, first.tags),
    draws: girls.map((g) => ({ z: g.z })),
    params: { kind: 'refine', round: round.round, noiseSeed: round.noiseSeed },
  });
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
    const gacha =
      r.params.kind === 'gacha' ? { ...r.params, fillVersion: fillVersionOf(r.params.fillVersion) } : { psi: 1, randomFill: true, fillVersion: 1 as const };
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
