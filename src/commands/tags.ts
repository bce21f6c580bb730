/** /tags — the vocabulary by group, each tag with its Japanese name (the original's checkbox list). */
import { EmbedBuilder, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../bot/context.ts';
import { requireModel } from '../core/catalog.ts';
import { groupName, langOf, t } from '../i18n/index.ts';
import { named } from './shared/options.ts';

export const data = named(new SlashCommandBuilder(), 'tags', 'タグ', 'List every tag, grouped, with Japanese names', 'タグの一覧（グループ別、日本語名つき）');

const FIELD_MAX = 1024;

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const lang = langOf(interaction.locale);
  const model = requireModel(ctx.runtime.catalog);
  const embed = new EmbedBuilder()
    .setTitle(t(lang, 'tags.title', { model: model.id, count: model.vocabulary.size }))
    .setFooter({ text: t(lang, 'tags.footer') });
  for (const { group, entries } of model.vocabulary.groups().slice(0, 25)) {
    const items = entries.map((e) => (e.ja ? `\`${e.name}\` ${e.ja}` : `\`${e.name}\``));
    // A field holds 1024 characters: long groups continue in the next field.
    let chunk = '';
    let part = 0;
    const flush = () => {
      embed.addFields({ name: `${groupName(lang, group)}${part++ ? ' …' : ''}`, value: chunk });
      chunk = '';
    };
    for (const item of items) {
      if (chunk && chunk.length + 3 + item.length > FIELD_MAX) flush();
      chunk = chunk ? `${chunk} · ${item}` : item;
    }
    if (chunk) flush();
  }
  await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
}
