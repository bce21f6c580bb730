/**
 * The buttons and menus under a picture of tiles. Anyone who can see a public picture may
 * use them: ⭐ copies the tile into the presser's OWN favourites, 🔀 / 🔄 post a new picture
 * owned by the presser, 📋 answers privately. Nobody can touch another user's favourites.
 */
import { MessageFlags } from 'discord.js';
import type { ComponentInteraction } from '../../bot/command.ts';
import type { BotContext } from '../../bot/context.ts';
import { Refusal } from '../../bot/refusal.ts';
import { requireModel } from '../../core/catalog.ts';
import { weightsOf } from '../../core/tag-weights.ts';
import { langOf, translator } from '../../i18n/index.ts';
import { vocabularyOfDefault } from '../shared/vocabulary.ts';
import { pickerArgs, pickerMessage, selectedTags } from './picker.ts';
import { postGacha, postVariations } from './post.ts';
import { allTiles, loadResult, rerollRequest, tileGirl } from '../shared/stored-pictures.ts';
import { codesReply } from '../shared/tile-buttons.ts';
import { quotedName } from '../shared/favourites.ts';
import { ownsMessage } from '../../bot/respond.ts';

const tileArg = (value: string | undefined) => Number(value);
const selected = (i: ComponentInteraction) => (i.isStringSelectMenu() ? i.values[0] : undefined);

async function keepTile(interaction: ComponentInteraction, ctx: BotContext, id: string, tile: number): Promise<void> {
  const tr = translator(interaction.locale);
  const girl = tileGirl(ctx, await loadResult(ctx, id), tile);
  const vocab = requireModel(ctx.runtime.catalog, girl.modelId).vocabulary;
  const user = interaction.user.id;
  const added = await ctx.favourites.add(user, { modelId: girl.modelId, z: girl.z, tags: weightsOf(vocab, girl.tags) });
  if (!added.ok && added.code !== 'duplicate') throw new Refusal('error.limit_reached', { limit: ctx.favourites.limit });
  const content = added.ok
    ? tr('fav.saved', { tile, count: added.count, limit: ctx.favourites.limit, shifted: added.count > 1 ? tr('fav.shifted') : '' })
    : tr('fav.already', { slot: added.favourite.index, name: quotedName(added.favourite) });
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}

export async function keepTileButton(interaction: ComponentInteraction, [id, tile]: string[], ctx: BotContext): Promise<void> {
  await keepTile(interaction, ctx, id ?? '', tileArg(tile));
}

export async function keepTileMenu(interaction: ComponentInteraction, [id]: string[], ctx: BotContext): Promise<void> {
  await keepTile(interaction, ctx, id ?? '', tileArg(selected(interaction)));
}

export async function variationsOfTile(interaction: ComponentInteraction, [id]: string[], ctx: BotContext): Promise<void> {
  const tile = tileArg(selected(interaction));
  const girl = tileGirl(ctx, await loadResult(ctx, id ?? ''), tile);
  const tr = translator(interaction.locale);
  const of = `${tr('variations.of_tile', { tile })}${girl.seed !== undefined ? ` (${tr('generate.seed', { seed: girl.seed })})` : ''}`;
  await postVariations(interaction, ctx, girl, of);
}

export async function reroll(interaction: ComponentInteraction, [id]: string[], ctx: BotContext): Promise<void> {
  const r = await loadResult(ctx, id ?? '');
  if (r.params.kind === 'variations') {
    await postVariations(interaction, ctx, tileGirl(ctx, r, 1), r.params.of);
    return;
  }
  await postGacha(interaction, ctx, rerollRequest(ctx, r));
}

export async function codes(interaction: ComponentInteraction, [id]: string[], ctx: BotContext): Promise<void> {
  const girls = allTiles(ctx, await loadResult(ctx, id ?? ''));
  await interaction.reply({ ...codesReply(girls, translator(interaction.locale)), flags: MessageFlags.Ephemeral });
}

/** A picker menu changed: redraw the picker with the new selection marked. */
export async function pick(interaction: ComponentInteraction, [, count, seed, psi]: string[], ctx: BotContext): Promise<void> {
  // Only the picker's own menus (private to the user) send this: a forged id on a button, or on
  // someone else's message, is answered as a button that is gone (never left without a reply).
  if (!interaction.isStringSelectMenu() || !ownsMessage(interaction)) throw new Refusal('error.gone');
  const chosen = selectedTags(interaction.message, { customId: interaction.customId, values: interaction.values });
  const state = { ...pickerArgs(count, seed, psi), selected: chosen };
  await interaction.update(pickerMessage(vocabularyOfDefault(ctx), langOf(interaction.locale), state));
}

/** 🎲 on the picker: a gacha with the ticked tags, posted as a new public message. */
export async function draw(interaction: ComponentInteraction, [count, seed, psi]: string[], ctx: BotContext): Promise<void> {
  const tags = [...selectedTags(interaction.message)].join(', ');
  await postGacha(interaction, ctx, { tags, ...pickerArgs(count, seed, psi) });
}
