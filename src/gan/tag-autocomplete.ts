/**
 * Discord autocompletion for a tag option. The option holds a whole comma-separated list;
 * only its last item is being typed, so each choice's value is the full list with that
 * item completed ("blonde_hair, smi" → "blonde_hair, smile").
 */
import { normalizeTag, type TagEntry, type TagVocabulary } from './tag-vocabulary.ts';
import { rankTags } from './tag-suggest.ts';

export interface AutocompleteChoice {
  /** What Discord shows (≤ 100 characters): the completed list, the tag's Japanese name. */
  name: string;
  /** What the option receives when chosen (≤ 100 characters). */
  value: string;
}

/** Discord's limits: 25 choices, 100 characters for a choice's name and value. */
export const DISCORD_MAX_CHOICES = 25;
const DISCORD_MAX_LENGTH = 100;

export function autocompleteTags(vocab: TagVocabulary, query: string, limit = DISCORD_MAX_CHOICES): AutocompleteChoice[] {
  const max = Math.max(0, Math.min(limit, DISCORD_MAX_CHOICES));
  const text = String(query).slice(0, 1000);
  const cut = Math.max(text.lastIndexOf(','), text.lastIndexOf('、'), text.lastIndexOf('，'));
  const head = cut >= 0 ? text.slice(0, cut + 1) : '';
  const tail = text.slice(cut + 1);
  const chosen = new Set(vocab.parse(head).tags);

  let prefix = head ? `${head.trimEnd()} ` : '';
  let entries: TagEntry[] | undefined;
  // "blonde_hair smi" (a space-separated list): complete the last word, unless the whole
  // item is itself the start of a spelling ("blonde ha" → blonde_hair).
  const words = tail.trim().split(/\s+/u);
  if (words.length > 1) {
    const whole = normalizeTag(tail);
    const isStartOfTag = [...vocab.keys()].some((k) => k.key.startsWith(whole));
    const before = vocab.parse(words.slice(0, -1).join(' '));
    if (!isStartOfTag && before.ok) {
      for (const t of before.tags) chosen.add(t);
      prefix = `${prefix}${words.slice(0, -1).join(' ')} `;
      entries = candidates(vocab, words[words.length - 1]!, chosen);
    }
  }
  entries ??= candidates(vocab, tail, chosen);

  const choices: AutocompleteChoice[] = [];
  for (const e of entries) {
    if (choices.length >= max) break;
    const value = prefix + e.name;
    if (value.length > DISCORD_MAX_LENGTH) continue;
    let name = e.ja ? `${value} (${e.ja})` : value;
    if (name.length > DISCORD_MAX_LENGTH) name = `…${name.slice(name.length - DISCORD_MAX_LENGTH + 1)}`;
    choices.push({ name, value });
  }
  return choices;
}

/** Empty item → the most frequent tags not yet chosen; otherwise ranked matches. */
function candidates(vocab: TagVocabulary, item: string, chosen: ReadonlySet<string>): TagEntry[] {
  if (normalizeTag(item) === '') {
    return vocab.entries
      .filter((e) => !chosen.has(e.name))
      .sort((a, b) => b.frequency - a.frequency || a.index - b.index);
  }
  return rankTags(vocab, item, chosen);
}
