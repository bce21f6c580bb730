/**
 * /favorite add code: name: | list | show slot: | remove slot: | rename slot: name: |
 * visibility who: — a user's favourites (7 by default), numbered newest first. Every query is
 * by the caller's own user id, so nobody can change another user's list, and lists are
 * private: others see them only through the "Favourites" user command, and only once their
 * owner made them public (/favorite visibility, favourites-of.ts).
 * `give slot: to:` offers a copy of a favourite to another user (favorite/gift.ts); it joins
 * their list only when they accept.
 */
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  MessageFlags,
  type MessageActionRowComponentBuilder,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { ComponentHandler, Preconditions } from '../bot/command.ts';
import type { BotContext } from '../bot/context.ts';
import { customId } from '../bot/custom-id.ts';
import { Refusal } from '../bot/refusal.ts';
import { filesOf, replyAfterWork, updateOwnOrTell, type Reply } from '../bot/respond.ts';
import { userText } from '../bot/user-text.ts';
import { requireModel } from '../core/catalog.ts';
import { gallery } from '../core/gallery.ts';
import { generate } from '../core/generate.ts';
import { girlFromCode, shareCodeOf } from '../core/girl.ts';
import { vectorOf, weightsOf } from '../core/tag-weights.ts';
import { translator, type Translate } from '../i18n/index.ts';
import { NAME_MAX_CHARS, type Favourite } from '../store/index.ts';
import { autocompleteOptions } from './shared/autocomplete.ts';
import { give, giftComponents } from './favorite/gift.ts';
import { checkSlot, drawableGirl, favouriteGirl, favouriteLabel, favouriteLabelText, loadFavourite, modelShown, quotedName } from './shared/favourites.ts';
import { named, slotOption } from './shared/options.ts';
import { withStudioLink } from './shared/studio-link.ts';
import { tagsText } from './shared/tag-names.ts';
import { setVisibility, visibilitySubcommand } from './shared/visibility.ts';

export const data = named(new SlashCommandBuilder(), 'favorite', 'お気に入り', 'Your favourite girls', 'お気に入りの女の子')
  .addSubcommand((s) =>
    named(s, 'add', '追加', 'Add a girl from her share code', '共有コードから追加')
      .addStringOption((o) => named(o, 'code', 'コード', 'Her share code', 'その子の共有コード').setRequired(true).setMaxLength(2000))
      .addStringOption((o) => named(o, 'name', '名前', 'A name for her', '名前').setMaxLength(NAME_MAX_CHARS)),
  )
  .addSubcommand((s) => named(s, 'list', '一覧', 'Show your favourites with their share codes', 'お気に入りを共有コードつきで表示'))
  .addSubcommand((s) =>
    named(s, 'show', '表示', 'Draw one favourite large', 'お気に入りを 1 人大きく表示').addIntegerOption((o) =>
      slotOption(o, 'Which favourite (1 = newest)', 'どのお気に入りか（1 が最新）'),
    ),
  )
  .addSubcommand((s) =>
    named(s, 'remove', '削除', 'Remove a favourite', 'お気に入りから外す').addIntegerOption((o) =>
      slotOption(o, 'Which favourite (1 = newest)', 'どのお気に入りか（1 が最新）'),
    ),
  )
  .addSubcommand((s) =>
    named(s, 'rename', '名前変更', 'Name a favourite', 'お気に入りに名前をつける')
      .addIntegerOption((o) => slotOption(o, 'Which favourite (1 = newest)', 'どのお気に入りか（1 が最新）'))
      .addStringOption((o) => named(o, 'name', '名前', 'Her new name', '新しい名前').setRequired(true).setMaxLength(NAME_MAX_CHARS)),
  )
  .addSubcommand(visibilitySubcommand)
  .addSubcommand((s) =>
    named(s, 'give', '贈る', 'Offer a copy of a favourite to someone', 'お気に入りのコピーを誰かに贈る')
      .addIntegerOption((o) => slotOption(o, 'Which favourite (1 = newest)', 'どのお気に入りか（1 が最新）'))
      .addUserOption((o) => named(o, 'to', '相手', 'Who gets her (they accept or decline)', '贈る相手（相手が受け取るか断るかを選びます）').setRequired(true)),
  );

/** `list`, `show` and `give` draw: they count against the user's drawing rate limit. */
export const preconditions: Preconditions = { execute: { list: ['drawLimit'], show: ['drawLimit'], give: ['drawLimit'] } };

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = translator(interaction.locale);
  const user = interaction.user.id;
  const limit = ctx.favourites.limit;
  switch (interaction.options.getSubcommand()) {
    case 'add': {
      const girl = girlFromCode(ctx.runtime.catalog, interaction.options.getString('code', true).trim());
      const vocab = requireModel(ctx.runtime.catalog, girl.modelId).vocabulary;
      const name = interaction.options.getString('name');
      const added = await ctx.favourites.add(user, { modelId: girl.modelId, z: girl.z, tags: weightsOf(vocab, girl.tags), name });
      if (!added.ok && added.code !== 'duplicate')
        throw added.code === 'limit_reached' ? new Refusal('error.limit_reached', { limit }) : new Refusal('error.invalid_name', { max: NAME_MAX_CHARS });
      const content = added.ok
        ? tr('fav.added', { name: quotedName(added.favourite), count: added.count, limit, shifted: added.count > 1 ? tr('fav.shifted') : '' })
        : tr('fav.already', { slot: added.favourite.index, name: quotedName(added.favourite) });
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
      return;
    }
    case 'list': {
      const favourites = await ctx.favourites.list(user);
      if (favourites.length === 0) throw new Refusal('error.no_favourites');
      await replyAfterWork(interaction, ctx, () => listReply(ctx, favourites, tr, interaction.attachmentSizeLimit, interaction.user.id), { ephemeral: true });
      return;
    }
    case 'show': {
      const fav = await loadFavourite(ctx, user, interaction.options.getInteger('slot', true));
      const girl = favouriteGirl(ctx, fav);
      await replyAfterWork(interaction, ctx, async () => {
        const code = shareCodeOf(girl);
        const r = await generate(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { code });
        const vocab = requireModel(ctx.runtime.catalog, girl.modelId).vocabulary;
        const shownModel = modelShown(ctx, fav.modelId);
        const model = shownModel === undefined ? '' : tr('fav.model', { model: shownModel });
        return {
          content: tr('fav.show', { slot: fav.index, name: quotedName(fav), tags: tagsText(vocab, girl.tags, tr), model, code }),
          files: filesOf(r.attachments),
          components: withStudioLink([], ctx.studioUrl, code, tr),
        };
      });
      return;
    }
    case 'remove': {
      // Asks first: a removed girl is gone unless her share code was kept somewhere.
      const fav = await loadFavourite(ctx, user, interaction.options.getInteger('slot', true));
      const buttons = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
        new ButtonBuilder()
          .setCustomId(customId('favorite', 'remove', fav.id))
          .setStyle(ButtonStyle.Danger)
          .setLabel(tr('fav.remove_button')),
        new ButtonBuilder()
          .setCustomId(customId('favorite', 'keep', fav.id))
          .setStyle(ButtonStyle.Secondary)
          .setLabel(tr('fav.keep_button')),
      );
      const content = tr('fav.remove_confirm', { slot: fav.index, name: quotedName(fav), tags: favouriteTags(ctx, fav, tr) });
      await interaction.reply({ content, components: [buttons], flags: MessageFlags.Ephemeral });
      return;
    }
    case 'rename': {
      const slot = checkSlot(ctx, interaction.options.getInteger('slot', true));
      const renamed = await ctx.favourites.rename(user, slot, interaction.options.getString('name', true));
      if (!renamed.ok) throw renamed.code === 'not_found' ? await notFound(ctx, user, slot) : new Refusal('error.invalid_name', { max: NAME_MAX_CHARS });
      await interaction.reply({ content: tr('fav.renamed', { slot, name: userText(renamed.favourite.name ?? '') }), flags: MessageFlags.Ephemeral });
      return;
    }
    case 'visibility':
      await setVisibility(interaction, ctx);
      return;
    case 'give':
      await give(interaction, ctx);
      return;
  }
}

/** The confirmation's buttons name the favourite's row id: its number may shift meanwhile. */
export const components: Record<string, ComponentHandler> = {
  ...giftComponents,
  async remove(interaction, [id], ctx) {
    const tr = translator(interaction.locale);
    const removed = await ctx.favourites.removeById(interaction.user.id, Number(id));
    if (!removed) {
      await updateOwnOrTell(interaction, tr('fav.already_removed'));
      return;
    }
    const girl = drawableGirl(ctx, removed);
    const code = girl ? shareCodeOf(girl) : null;
    const content = tr('fav.removed', { slot: removed.index, name: quotedName(removed) }) + (code ? tr('fav.add_back', { code }) : '');
    await updateOwnOrTell(interaction, content);
  },
  async keep(interaction, [id], ctx) {
    const tr = translator(interaction.locale);
    const fav = await ctx.favourites.byId(interaction.user.id, Number(id));
    const content = fav ? tr('fav.kept', { slot: fav.index, name: quotedName(fav) }) : tr('fav.already_removed');
    await updateOwnOrTell(interaction, content);
  },
};

/** Her tags as words in the reader's language (as /favorite show gives them); the stored names when her model is not installed. */
function favouriteTags(ctx: BotContext, fav: Favourite, tr: Translate): string {
  const model = ctx.runtime.catalog.get(fav.modelId);
  return model ? tagsText(model.vocabulary, vectorOf(model, fav.tags), tr) : Object.keys(fav.tags).join(', ');
}

async function notFound(ctx: BotContext, user: string, slot: number): Promise<Refusal> {
  const count = await ctx.favourites.count(user);
  return count === 0 ? new Refusal('error.no_favourites') : new Refusal('error.not_found', { slot, count });
}

/** Embed budget (Discord: 6000 characters per message in all embeds). */
const EMBED_BUDGET = 5500;

/** A grid of the favourites plus an embed: one field per favourite with tags, model and code. `heading`: for someone else's list; `userId`: whose turn in the generator's queue the drawing takes. */
export async function listReply(
  ctx: BotContext,
  favourites: Favourite[],
  tr: Translate,
  limitBytes: number,
  userId: string,
  heading: { title?: string; footer?: string } = {},
): Promise<Reply> {
  const girls = favourites.map((f) => drawableGirl(ctx, f));
  const picture = await gallery(
    ctx.core(limitBytes, userId),
    girls,
    favourites.map((f) => favouriteLabel(ctx, f)),
  );
  const codes = girls.map((g) => (g ? shareCodeOf(g) : null));
  const fields = favourites.map((f, i) => {
    const g = girls[i];
    const tags = favouriteTags(ctx, f, tr);
    const note = g ? '' : `\n${tr('fav.missing_model', { model: f.modelId })}`;
    return { name: favouriteLabelText(ctx, f).slice(0, 256), file: favouriteLabel(ctx, f), tags: `${tags.slice(0, 600)}${note}`, code: codes[i] };
  });
  const withCodes = fields.reduce((n, f) => n + f.name.length + f.tags.length + (f.code?.length ?? 0) + 4, 0) <= EMBED_BUDGET;
  const embed = new EmbedBuilder()
    .setTitle(heading.title ?? tr('fav.list_title', { count: favourites.length, limit: ctx.favourites.limit }))
    .setImage(`attachment://${picture.name}`)
    .setFooter({ text: heading.footer ?? tr('fav.list_footer') })
    .addFields(fields.map((f) => ({ name: f.name, value: withCodes && f.code ? `${f.tags}\n\`${f.code}\`` : f.tags })));
  const files = filesOf([picture]);
  if (!withCodes) {
    const text = `${fields.map((f) => `${f.file}\t${f.code ?? '-'}`).join('\n')}\n`;
    files.push(new AttachmentBuilder(Buffer.from(text), { name: 'codes.txt' }));
  }
  return { embeds: [embed], files, ...(withCodes ? {} : { content: tr('fav.codes_in_file') }) };
}

export function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  return autocompleteOptions(interaction, ctx);
}
