/**
 * Autocompletion for a tag option. The option holds a whole comma-separated list;
 * only its last item is being typed, so each choice's value is the full list with that
 * item completed ("blonde_hair, smi" → "blonde_hair, smile").
 */
import { normalizeTag, type TagEntry, type TagVocabulary } from './vocabulary.ts';
import { parseTags } from './parse.ts';
import { rankTags } from './suggest.ts';

export interface AutocompleteChoice {
  /** What Discord shows (≤ 100 characters): the completed list, the tag's Japanese name. */
  name: string;
  /** What the option receives when chosen (≤ 100 characters). */
  value: string;
}

/** How many choices to offer and how long a choice's name and value may be (the caller's platform decides). */
export interface ChoiceLimits {
  choices: number;
  length: number;
}

export function autocompleteTags(vocab: TagVocabulary, query: string, limits: ChoiceLimits): AutocompleteChoice[] {
  const max = Math.max(0, limits.choices);
  const maxLength = limits.length;
  const text = String(query).slice(0, 1000);
  const cut = Math.max(text.lastIndexOf(','), text.lastIndexOf('、'), text.lastIndexOf('，'));
  const head = cut >= 0 ? text.slice(0, cut + 1) : '';
  const tail = text.slice(cut + 1);
  const chosen = new Set(parseTags(vocab, head).tags);

  let prefix = head ? `${head.trimEnd()} ` : '';
  let entries: TagEntry[] | undefined;
  // "blonde_hair smi" (a space-separated list): complete the last word, unless the whole
  // item is itself the start of a spelling ("blonde ha" → blonde_hair).
  const words = tail.trim().split(/\s+/u);
  if (words.length > 1) {
    const whole = normalizeTag(tail);
    const isStartOfTag = [...vocab.keys()].some((k) => k.key.startsWith(whole));
    const before = parseTags(vocab, words.slice(0, -1).join(' '));
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
    if (value.length > maxLength) continue;
    let name = e.ja ? `${value} (${e.ja})` : value;
    if (name.length > maxLength) name = `…${name.slice(name.length - maxLength + 1)}`;
    choices.push({ name, value });
  }
  return choices;
}

/** Empty item → the most frequent tags not yet chosen; otherwise ranked matches. */
function candidates(vocab: TagVocabulary, item: string, chosen: ReadonlySet<string>): TagEntry[] {
  if (normalizeTag(item) === '') {
    return vocab.entries.filter((e) => !chosen.has(e.name)).sort((a, b) => b.frequency - a.frequency || a.index - b.index);
  }
  return rankTags(vocab, item, chosen);
}
