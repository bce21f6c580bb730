/**
 * /favorite visibility who: — whether others may see the user's favourites through the
 * "Favourites" user command (favourites-of.ts). Private until the user says otherwise;
 * without `who` it tells the current choice.
 */
import { MessageFlags, type ChatInputCommandInteraction, type SlashCommandSubcommandBuilder } from 'discord.js';
import type { BotContext } from '../../bot/context.ts';
import { translator } from '../../i18n/index.ts';
import { named } from './options.ts';

export function visibilitySubcommand(s: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return named(
    s,
    'visibility',
    '公開設定',
    'Who may see your favourites (right-click you → Apps → Favourites)',
    'お気に入りを誰に見せるか（右クリック → アプリ → お気に入りを見る）',
  ).addStringOption((o) =>
    named(o, 'who', '公開範囲', 'Everyone, or only you (default: only you)', '全員か自分だけか（既定: 自分だけ）').addChoices(
      { name: 'Everyone (public)', name_localizations: { ja: '全員に公開' }, value: 'public' },
      { name: 'Only me (private)', name_localizations: { ja: '自分だけ（非公開）' }, value: 'private' },
    ),
  );
}

export async function setVisibility(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = translator(interaction.locale);
  const user = interaction.user.id;
  const who = interaction.options.getString('who');
  if (who !== null) await ctx.settings.setFavouritesPublic(user, who === 'public');
  const isPublic = who === null ? await ctx.settings.favouritesPublic(user) : who === 'public';
  const content = tr(isPublic ? 'fav.visibility_public' : 'fav.visibility_private') + (who === null ? `\n${tr('fav.visibility_change')}` : '');
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
