/** /help — what each command does. */
import { EmbedBuilder, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../bot/context.ts';
import { langOf, t } from '../i18n/index.ts';
import { named } from './shared/options.ts';

export const data = named(new SlashCommandBuilder(), 'help', 'ヘルプ', 'How to use the girl factory', '使い方');

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const lang = langOf(interaction.locale);
  const embed = new EmbedBuilder().setTitle(t(lang, 'help.title')).setDescription(t(lang, 'help.body', { limit: ctx.favourites.limit }));
  await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
}
