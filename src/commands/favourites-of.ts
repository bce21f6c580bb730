/**
 * "Favourites" (right-click a user → Apps): that user's favourites, for the asker alone —
 * only if their owner made them public (/favorite visibility who:public); otherwise a polite
 * word that they keep them private. On oneself it is /favorite list. The owner is named by a
 * mention (the bot sends no pings), so no user-written name lands in the message.
 */
import { ApplicationCommandType, ContextMenuCommandBuilder, Locale, MessageFlags, type ContextMenuCommandInteraction } from 'discord.js';
import type { BotContext } from '../bot/context.ts';
import { Refusal } from '../bot/refusal.ts';
import { replyAfterWork } from '../bot/respond.ts';
import { translator } from '../i18n/index.ts';
import { listReply } from './favorite.ts';

export const data = new ContextMenuCommandBuilder()
  .setType(ApplicationCommandType.User)
  .setName('Favourites')
  .setNameLocalization(Locale.Japanese, 'お気に入りを見る');

/** It has no components of its own (the list has no buttons). */
export const customIdPrefix = 'favs';

/** Showing a list draws it: it counts against the asker's drawing rate limit (refusals give it back). */
export const preconditions = { execute: ['drawLimit'] } as const;

export async function executeContextMenu(interaction: ContextMenuCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.isUserContextMenuCommand()) return;
  const tr = translator(interaction.locale);
  const owner = interaction.targetUser;
  const mention = `<@${owner.id}>`;
  const self = owner.id === interaction.user.id;
  const tell = (content: string) => interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  if (owner.bot) {
    await tell(tr('favs.bot', { user: mention }));
    return;
  }
  if (!self && !(await ctx.settings.favouritesPublic(owner.id))) {
    await tell(tr('favs.private', { user: mention }));
    return;
  }
  const favourites = await ctx.favourites.list(owner.id);
  if (favourites.length === 0) {
    if (self) throw new Refusal('error.no_favourites');
    await tell(tr('favs.none', { user: mention }));
    return;
  }
  await replyAfterWork(
    interaction,
    ctx,
    async () => {
      if (self) return listReply(ctx, favourites, tr, interaction.attachmentSizeLimit, interaction.user.id);
      const heading = { title: tr('favs.title', { count: favourites.length }), footer: tr('favs.footer') };
      const reply = await listReply(ctx, favourites, tr, interaction.attachmentSizeLimit, interaction.user.id, heading);
      return { ...reply, content: [tr('favs.content', { user: mention }), reply.content].filter(Boolean).join('\n') };
    },
    { ephemeral: true },
  );
}
