/** Autocomplete shared by the commands: tag lists from the vocabulary, slots from the user's favourites. */
import type { AutocompleteInteraction } from 'discord.js';
import type { BotContext } from '../../bot/context.ts';
import { requireModel } from '../../core/catalog.ts';
import { clip } from '../../bot/respond.ts';
import { plainUserText } from '../../bot/user-text.ts';
import type { Favourite } from '../../store/index.ts';
import { autocompleteTags } from '../../tags/autocomplete.ts';
import { CHOICE_MAX_LENGTH, AUTOCOMPLETE_LIMITS, MAX_CHOICES } from './discord-limits.ts';
import { TAG_OPTIONS } from './options.ts';

export async function autocompleteOptions(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value ?? '');
  if (focused.name === 'slot') {
    const query = typed.trim().toLowerCase();
    const choices = (await ctx.favourites.list(interaction.user.id))
      .map((f) => ({ f, label: slotLabel(f) }))
      .filter(({ f, label }) => !query || String(f.index) === query || label.toLowerCase().includes(query))
      .slice(0, MAX_CHOICES)
      .map(({ f, label }) => ({ name: clip(label, CHOICE_MAX_LENGTH), value: f.index }));
    await interaction.respond(choices);
    return;
  }
  if (focused.name === 'slots') {
    await interaction.respond(slotsChoices(await ctx.favourites.list(interaction.user.id), typed));
    return;
  }
  if (TAG_OPTIONS.has(focused.name)) {
    const vocabulary = requireModel(ctx.runtime.catalog).vocabulary;
    await interaction.respond(autocompleteTags(vocabulary, typed, AUTOCOMPLETE_LIMITS));
    return;
  }
  await interaction.respond([]);
}

const slotLabel = (f: Favourite) => `#${f.index}${f.name ? ` ${plainUserText(f.name)}` : ''} · ${Object.keys(f.tags).join(', ') || '-'}`;

/** Most favourites one /blend takes. */
const BLEND_MOST = 4;

/**
 * /blend's "1 3" option, one favourite at a time: the numbers already typed stay, and each
 * favourite not yet among them is offered as the next one (a partly typed last word, a
 * number or part of a name, narrows the offer). With two or more typed, the list as it stands
 * comes first, so Enter can take it.
 */
export function slotsChoices(favourites: readonly Favourite[], typed: string): { name: string; value: string }[] {
  const words = typed.split(/[\s,、，]+/u);
  const partial = (words.pop() ?? '').toLowerCase(); // '' when the text ends with a separator
  const byIndex = new Map(favourites.map((f) => [f.index, f]));
  const chosen = [
    ...new Set(
      words
        .filter((w) => /^\d{1,3}$/.test(w))
        .map(Number)
        .filter((n) => byIndex.has(n)),
    ),
  ];
  const complete = byIndex.has(Number(partial)) && !chosen.includes(Number(partial)) ? [...chosen, Number(partial)] : chosen;
  const choice = (slots: number[]) => {
    const value = slots.join(' ');
    const names = slots.map((n) => {
      const f = byIndex.get(n)!;
      return f.name ? plainUserText(f.name) : `#${n}`;
    });
    return { name: clip(`${value} · ${names.join(' + ')}`, CHOICE_MAX_LENGTH), value };
  };
  const offers = complete.length >= 2 ? [choice(complete)] : [];
  if (chosen.length < BLEND_MOST) {
    for (const f of favourites) {
      if (chosen.includes(f.index)) continue;
      if (partial && !String(f.index).startsWith(partial) && !slotLabel(f).toLowerCase().includes(partial)) continue;
      if (complete.length >= 2 && f.index === complete.at(-1)) continue; // already the first offer
      offers.push(choice([...chosen, f.index]));
    }
  }
  return offers.slice(0, MAX_CHOICES);
}
