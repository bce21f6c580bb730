/** Reading a user's favourites for a command: slot checks, model checks, labels. */
import type { BotContext } from '../../bot/context.ts';
import { Refusal } from '../../bot/refusal.ts';
import { userText } from '../../bot/user-text.ts';
import type { Girl } from '../../core/girl.ts';
import { vectorOf } from '../../core/tag-weights.ts';
import type { Favourite } from '../../store/index.ts';

export function checkSlot(ctx: BotContext, slot: number): number {
  const max = ctx.favourites.limit;
  if (!Number.isInteger(slot) || slot < 1 || slot > max) throw new Refusal('error.slot', { max, got: slot });
  return slot;
}

export async function loadFavourite(ctx: BotContext, userId: string, slot: number): Promise<Favourite> {
  checkSlot(ctx, slot);
  const found = await ctx.favourites.get(userId, slot);
  if (!found.ok) {
    const count = await ctx.favourites.count(userId);
    throw count === 0 ? new Refusal('error.no_favourites') : new Refusal('error.not_found', { slot, count });
  }
  return found.favourite;
}

/** The girl a favourite stores, drawn with the model she was made with (which may not be the default). */
export function favouriteGirl(ctx: BotContext, fav: Favourite): Girl {
  const catalog = ctx.runtime.catalog;
  const model = catalog.get(fav.modelId);
  if (!model || model.zDim !== fav.z.length) {
    throw new Refusal('error.model_missing', { slot: fav.index, model: fav.modelId, models: catalog.ids().join(', ') });
  }
  return { modelId: model.id, z: fav.z, tags: vectorOf(model, fav.tags) };
}

/** The girl, or null when her model is not installed here (lists note her instead of drawing her). */
export function drawableGirl(ctx: BotContext, fav: Favourite): Girl | null {
  try {
    return favouriteGirl(ctx, fav);
  } catch {
    return null;
  }
}

/**
 * The model to name beside a favourite: the id of the model that draws her now (an old
 * "default" code is drawn by the model that took "default" among its former ids), or
 * undefined for the default model.
 */
export function modelShown(ctx: BotContext, modelId: string): string | undefined {
  const id = ctx.runtime.catalog.get(modelId)?.id ?? modelId;
  return id === ctx.runtime.catalog.defaultModelId ? undefined : id;
}

/** "#2 Alice", plus the model when it is not the default one. */
export function favouriteLabel(ctx: BotContext, fav: Favourite): string {
  const shown = modelShown(ctx, fav.modelId);
  const model = shown === undefined ? '' : ` [${shown}]`;
  return `#${fav.index}${fav.name ? ` ${fav.name}` : ''}${model}`;
}

/** favouriteLabel for message text and embeds: the name is user text (userText: no markdown, links, mentions or bidi tricks). */
export function favouriteLabelText(ctx: BotContext, fav: Favourite): string {
  return favouriteLabel(ctx, { ...fav, name: fav.name && userText(fav.name) });
}

/** ' “Alice”' for messages, or ''. Names are user text: see userText. */
export function quotedName(fav: Pick<Favourite, 'name'>): string {
  return fav.name ? ` “${userText(fav.name)}”` : '';
}

/** "1 3" / "1,3" / "１ ３" → [1, 3]: least…most different slots, each within the user's limit. */
export function parseSlots(ctx: BotContext, text: string, least: number, most: number): number[] {
  const max = ctx.favourites.limit;
  // NFKC: full-width digits and spaces ("１　３") read as "1 3".
  const parts = text
    .normalize('NFKC')
    .trim()
    .split(/[\s,、，]+/u)
    .filter(Boolean);
  const slots = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  const ok =
    slots.length >= least && slots.length <= most && slots.every((s) => Number.isInteger(s) && s >= 1 && s <= max) && new Set(slots).size === slots.length;
  if (!ok) throw new Refusal('error.slots_format', { least, most, max, got: text.slice(0, 50) });
  return slots;
}

/** The favourites at these slots, or a refusal naming the first one the user does not have. */
export async function favouritesAt(ctx: BotContext, userId: string, slots: readonly number[]): Promise<Favourite[]> {
  const all = await ctx.favourites.list(userId);
  return slots.map((slot) => {
    const fav = all.find((f) => f.index === slot);
    if (!fav) throw all.length === 0 ? new Refusal('error.no_favourites') : new Refusal('error.not_found', { slot, count: all.length });
    return fav;
  });
}
