/** Builder helpers: every name and description in English with its Japanese localisation. */
import { Locale, type SlashCommandIntegerOption, type SlashCommandStringOption } from 'discord.js';

interface Nameable {
  setName(name: string): this;
  setNameLocalization(locale: Locale, name: string | null): this;
  setDescription(description: string): this;
  setDescriptionLocalization(locale: Locale, description: string | null): this;
}

/** `o` named and described in English, with Japanese localisations. */
export function named<T extends Nameable>(o: T, name: string, ja: string, description: string, jaDescription: string): T {
  return o.setName(name).setNameLocalization(Locale.Japanese, ja).setDescription(description).setDescriptionLocalization(Locale.Japanese, jaDescription);
}

/** A comma-separated tag list with autocomplete (src/tags/autocomplete.ts completes its last item). */
export function tagsOption(
  o: SlashCommandStringOption,
  name: string,
  ja: string,
  description: string,
  jaDescription: string,
  required = false,
): SlashCommandStringOption {
  return named(o, name, ja, description, jaDescription).setRequired(required).setAutocomplete(true).setMaxLength(1000);
}

/**
 * A favourite's number, with autocomplete listing the user's favourites. The upper bound
 * is the schema's 25; the configured limit (7 by default) is checked by the command.
 */
export function slotOption(o: SlashCommandIntegerOption, description: string, jaDescription: string): SlashCommandIntegerOption {
  return named(o, 'slot', '番号', description, jaDescription).setRequired(true).setMinValue(1).setMaxValue(25).setAutocomplete(true);
}

/** Options whose autocomplete is a tag list. */
export const TAG_OPTIONS: ReadonlySet<string> = new Set(['tags', 'to', 'from', 'tags1', 'tags2', 'tags3']);
