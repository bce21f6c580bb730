/**
 * The refine loop's buttons (🔍 under any picture of tiles): four rounds of nine, each keeping
 * her and redrawing one part (src/core/refine-codes.ts), and the user picks one tile per round.
 * Each round is a stored picture (gacha_results, params kind 'refine') owned by the picker, so
 * its buttons work after a restart and answer nobody else; a pick replaces the round's message
 * with the next round, the last pick with her alone under the usual ⭐ 🔀 🔍 📋.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, type MessageActionRowComponentBuilder } from 'discord.js';
import type { ComponentInteraction } from '../../bot/command.ts';
import type { BotContext } from '../../bot/context.ts';
import { customId } from '../../bot/custom-id.ts';
import { Refusal } from '../../bot/refusal.ts';
import { filesOf, replyAfterWork, updateAfterWork, type Reply } from '../../bot/respond.ts';
import { generate } from '../../core/generate.ts';
import { shareCodeOf, type Girl } from '../../core/girl.ts';
import { REFINE_ROUNDS, REFINE_TILES, refine } from '../../core/refine.ts';
import { translator, type Translate } from '../../i18n/index.ts';
import { loadResult, saveGirls, saveRefineRound, tileGirl, withStorageNote } from '../shared/stored-pictures.ts';
import { refineSelect, tileComponents, TILE_ACTIONS, type Row } from '../shared/tile-buttons.ts';

/** The round buttons' actions (custom_id "gacha:<action>:<round picture id>…"). */
export const REFINE_ACTIONS = {
  /** Pick tile n of a round (args: round picture id, tile). */
  pick: 'refine-pick',
  /** ✅ Done: end with her as she is in this round (args: round picture id). */
  done: 'refine-done',
} as const;

const selected = (i: ComponentInteraction) => Number(i.isStringSelectMenu() ? i.values[0] : undefined);

function roundButtons(id: string, tiles: number, tr: Translate): Row[] {
  const rows: Row[] = [];
  for (let start = 1; start <= tiles; start += 5) {
    const buttons = Array.from({ length: Math.min(5, tiles - start + 1) }, (_, k) => start + k).map((tile) =>
      new ButtonBuilder()
        .setCustomId(customId('gacha', REFINE_ACTIONS.pick, id, tile))
        .setLabel(tile === 1 ? tr('refine.as_she_is') : String(tile))
        .setStyle(tile === 1 ? ButtonStyle.Secondary : ButtonStyle.Primary),
    );
    rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(buttons));
  }
  rows.push(
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder()
        .setCustomId(customId('gacha', REFINE_ACTIONS.done, id))
        .setEmoji('✅')
        .setLabel(tr('refine.done'))
        .setStyle(ButtonStyle.Success),
      new ButtonBuilder()
        .setCustomId(customId('gacha', TILE_ACTIONS.codes, id))
        .setEmoji('📋')
        .setStyle(ButtonStyle.Secondary),
    ),
  );
  return rows;
}

/** Draws round `round` for her and stores it: the message that shows it. */
async function roundMessage(interaction: ComponentInteraction, ctx: BotContext, girl: Girl, round: number): Promise<Reply> {
  const tr = translator(interaction.locale);
  const r = await refine(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { girl, round });
  const saved = await saveRefineRound(ctx, interaction.user.id, r.girls, r);
  const lines = [
    r.mode === 'codes'
      ? tr('refine.round', { round: r.round, rounds: REFINE_ROUNDS, part: tr(`refine.part.${r.part}`) })
      : tr('refine.round_sigma', { round: r.round, rounds: REFINE_ROUNDS, sigma: r.sigma ?? '' }),
    ...(r.girls.length < REFINE_TILES ? [tr('refine.round_few', { count: r.girls.length - 1 })] : []),
  ];
  return {
    content: withStorageNote(lines.join('\n'), saved, tr),
    files: filesOf(r.attachments),
    components: saved.id ? roundButtons(saved.id, r.girls.length, tr) : [],
  };
}

/** Her alone, stored as a one-tile picture, under the usual buttons (⭐1 keeps her). */
async function finalMessage(interaction: ComponentInteraction, ctx: BotContext, girl: Girl): Promise<Reply> {
  const tr = translator(interaction.locale);
  const code = shareCodeOf(girl);
  // Drawn from her share code, as /generate draws it: the same pixels wherever she is opened.
  const r = await generate(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { code });
  const saved = await saveGirls(ctx, interaction.user.id, r.girls);
  return {
    content: withStorageNote(tr('refine.final', { rounds: REFINE_ROUNDS, code }), saved, tr),
    files: filesOf(r.attachments),
    components: saved.id ? tileComponents(saved.id, 1, tr, { variations: true }) : [],
  };
}

/** 🔍 menu: round 1 for the selected tile, posted as a new message owned by the presser. */
export async function startFromMenu(interaction: ComponentInteraction, [id]: string[], ctx: BotContext): Promise<void> {
  const girl = tileGirl(ctx, await loadResult(ctx, id ?? ''), selected(interaction));
  await replyAfterWork(interaction, ctx, () => roundMessage(interaction, ctx, girl, 1));
}

/** 🔍 button under a one-tile picture: round 1 for that tile. */
export async function startFromTile(interaction: ComponentInteraction, [id, tile]: string[], ctx: BotContext): Promise<void> {
  const girl = tileGirl(ctx, await loadResult(ctx, id ?? ''), Number(tile));
  await replyAfterWork(interaction, ctx, () => roundMessage(interaction, ctx, girl, 1));
}

/** 🔍 button where the picture had no row left for the menu: the menu, privately. */
export async function chooseTile(interaction: ComponentInteraction, [id]: string[], ctx: BotContext): Promise<void> {
  const r = await loadResult(ctx, id ?? '');
  const tr = translator(interaction.locale);
  const row = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(refineSelect(r.id, r.draws.length, tr));
  await interaction.reply({ content: tr('refine.choose_tile'), components: [row], flags: MessageFlags.Ephemeral });
}

/** The round a round button points at, refused to anyone but its picker. */
async function ownRound(interaction: ComponentInteraction, ctx: BotContext, id: string): Promise<{ round: number; her: (tile: number) => Girl }> {
  const r = await loadResult(ctx, id);
  if (r.params.kind !== 'refine') throw new Refusal('error.result_missing');
  if (r.userId !== interaction.user.id) throw new Refusal('refine.not_yours');
  return { round: r.params.round, her: (tile) => tileGirl(ctx, r, tile) };
}

/** A tile picked: the next round for her, or after the last round, she alone. */
export async function pick(interaction: ComponentInteraction, [id, tile]: string[], ctx: BotContext): Promise<void> {
  const { round, her } = await ownRound(interaction, ctx, id ?? '');
  const girl = her(Number(tile));
  await updateAfterWork(interaction, ctx, () =>
    round < REFINE_ROUNDS ? roundMessage(interaction, ctx, girl, round + 1) : finalMessage(interaction, ctx, girl),
  );
}

/** ✅ Done: she as she is in this round, alone. */
export async function done(interaction: ComponentInteraction, [id]: string[], ctx: BotContext): Promise<void> {
  const { her } = await ownRound(interaction, ctx, id ?? '');
  const girl = her(1);
  await updateAfterWork(interaction, ctx, () => finalMessage(interaction, ctx, girl));
}
