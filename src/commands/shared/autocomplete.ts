/** Autocomplete shared by the commands: tag lists from the vocabulary, slots from the user's favourites. */
import type { AutocompleteInteraction } from 'discord.js';
import type { BotContext } from '../../bot/context.ts';
import { requireModel } from '../../core/catalog.ts';
import { clip } from '../../bot/respond.ts';
import { TAG_OPTIONS } from './options.ts';

const MAX_CHOICES = 25;

export async function autocompleteOptions(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value ?? '');
  if (focused.name === 'slot') {
    const favourites = ctx.favourites.list(interaction.user.id);
    const query = typed.trim().toLowerCase();
    const choices = favourites
      .map((f) => ({ f, label: `#${f.index}${f.name ? ` ${f.name}` : ''} · ${Object.keys(f.tags).join(', ') || '-'}` }))
      .filter(({ f, label }) => !query || String(f.index) === query || label.toLowerCase().includes(query))
      .slice(0, MAX_CHOICES)
      .map(({ f, label }) => ({ name: clip(label, 100), value: f.index }));
    await interaction.respond(choices);
    return;
  }
  if (TAG_OPTIONS.has(focused.name)) {
    const vocabulary = requireModel(ctx.runtime.catalog).vocabulary;
    await interaction.respond(vocabulary.autocomplete(typed, MAX_CHOICES));
    return;
  }
  await interaction.respond([]);
}
