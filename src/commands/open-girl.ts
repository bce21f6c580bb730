/**
 * "Open this girl" (right-click a message → Apps): the girl a message holds — a share code,
 * a studio link, or one of the bot's own pictures — drawn large for the user alone, with her
 * tags, her code and the usual buttons (⭐ keep, 🔀 variations, 📋 code, 🎨 studio), which
 * lead on to /morph and /blend once she is kept. A picture of several girls, or a message of
 * several codes, first asks which one. Everything is ephemeral: nothing is posted for others.
 */
import {
  ActionRowBuilder,
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  Locale,
  MessageFlags,
  StringSelectMenuBuilder,
  type ContextMenuCommandInteraction,
  type MessageActionRowComponentBuilder,
  type RepliableInteraction,
} from 'discord.js';
import type { ComponentHandler } from '../bot/command.ts';
import type { BotContext } from '../bot/context.ts';
import { customId } from '../bot/custom-id.ts';
import { Refusal } from '../bot/refusal.ts';
import { clip, filesOf, replyAfterWork } from '../bot/respond.ts';
import { requireModel } from '../core/catalog.ts';
import { generate } from '../core/generate.ts';
import { shareCodeOf, type Girl } from '../core/girl.ts';
import { translator } from '../i18n/index.ts';
import type { StoredPicture } from '../store/index.ts';
import { girlsInMessage } from './shared/girls-in-message.ts';
import { loadResult, saveGirls, tileGirl, withStorageNote } from './shared/stored-pictures.ts';
import { withStudioLink } from './shared/studio-link.ts';
import { tagsText } from './shared/tag-names.ts';
import { tileComponents } from './shared/tile-buttons.ts';

export const data = new ContextMenuCommandBuilder()
  .setType(ApplicationCommandType.Message)
  .setName('Open this girl')
  .setNameLocalization(Locale.Japanese, 'この子を開く');

/** Its components' custom_ids: "open:<action>:…". */
export const customIdPrefix = 'open';

/** Opening draws; so does choosing a girl from the menu. The menu alone gives the use back. */
export const preconditions = { execute: ['drawLimit'], components: { tile: ['drawLimit'] } } as const;

/** Select menus hold at most 25 options, each described in at most 100 characters. */
const MAX_CHOICES = 25;
const OPTION_DESCRIPTION_MAX = 100;

export async function executeContextMenu(interaction: ContextMenuCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.isMessageContextMenuCommand()) return;
  const tr = translator(interaction.locale);
  const found = girlsInMessage(interaction.targetMessage, interaction.applicationId, ctx.runtime.catalog);
  let picture: StoredPicture | undefined;
  if (found.pictureId) {
    try {
      picture = await loadResult(ctx, found.pictureId);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      // Its buttons expired; a code in its text may still name her.
      if (found.girls.length === 0) throw new Refusal('open.expired');
    }
  }
  if (picture) {
    if (picture.draws.length === 1) return openGirl(interaction, ctx, tileGirl(ctx, picture, 1), tr('open.what_picture'));
    const stored = picture;
    const shown = Array.from({ length: Math.min(stored.draws.length, MAX_CHOICES) }, (_, i) => tileGirl(ctx, stored, i + 1));
    return askWhich(interaction, ctx, stored.id, stored.draws.length, shown, 'open.which_tile');
  }
  const [first, ...more] = found.girls;
  if (!first) throw found.unknownModel ?? new Refusal('open.nothing');
  if (more.length === 0) return openGirl(interaction, ctx, first, tr('open.what_code'));
  // Several codes: kept as a picture of girls, so the menu can name them by number.
  const saved = await saveGirls(ctx, interaction.user.id, found.girls);
  if (!saved.id) return openGirl(interaction, ctx, first, tr('open.what_first_code', { count: found.girls.length }));
  return askWhich(interaction, ctx, saved.id, found.girls.length, found.girls.slice(0, MAX_CHOICES), 'open.which_code');
}

/** A private menu: which of the n girls to open, each option with her tags (`shown`: the first ≤ 25). */
async function askWhich(
  interaction: RepliableInteraction,
  ctx: BotContext,
  pictureId: string,
  n: number,
  shown: readonly Girl[],
  key: 'open.which_tile' | 'open.which_code',
): Promise<void> {
  const tr = translator(interaction.locale);
  const options = shown.map((girl, i) => ({
    label: tr('open.choice', { n: i + 1 }),
    description: clip(tagsText(requireModel(ctx.runtime.catalog, girl.modelId).vocabulary, girl.tags, tr), OPTION_DESCRIPTION_MAX),
    value: String(i + 1),
  }));
  const select = new StringSelectMenuBuilder()
    .setCustomId(customId(customIdPrefix, 'tile', pictureId))
    .setPlaceholder(tr('open.placeholder'))
    .addOptions(options);
  const content = tr(key, { count: n }) + (n > shown.length ? `\n${tr('open.first_only', { shown: shown.length })}` : '');
  await interaction.reply({
    content,
    components: [new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(select)],
    flags: MessageFlags.Ephemeral,
  });
}

/** Her picture, tags and code, privately, with the buttons of any picture of one girl. */
function openGirl(interaction: RepliableInteraction, ctx: BotContext, girl: Girl, what: string): Promise<void> {
  const tr = translator(interaction.locale);
  return replyAfterWork(
    interaction,
    ctx,
    async () => {
      const code = shareCodeOf(girl);
      const r = await generate(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { code });
      const drawn = r.girls[0]!;
      const vocab = requireModel(ctx.runtime.catalog, drawn.modelId).vocabulary;
      const content = tr('generate.content', { what, tags: tagsText(vocab, drawn.tags, tr), code });
      const saved = await saveGirls(ctx, interaction.user.id, r.girls);
      return {
        content: withStorageNote(content, saved, tr),
        files: filesOf(r.attachments),
        components: withStudioLink(saved.id ? tileComponents(saved.id, 1, tr, { variations: true }) : [], ctx.studioUrl, code, tr),
      };
    },
    { ephemeral: true },
  );
}

export const components: Readonly<Record<string, ComponentHandler>> = {
  /** The menu of askWhich: open the chosen girl. */
  async tile(interaction, [id], ctx) {
    if (!interaction.isStringSelectMenu()) return;
    const tile = Number(interaction.values[0]);
    const girl = tileGirl(ctx, await loadResult(ctx, id ?? ''), tile);
    await openGirl(interaction, ctx, girl, translator(interaction.locale)('open.what_tile', { tile }));
  },
};
