/**
 * Free text → tags. Accepts comma- or whitespace-separated lists in any case and with
 * spaces, hyphens or underscores inside names, Japanese names and aliases; reports unknown
 * words with suggestions and flags several tags of one exclusive-ish group. Never throws on
 * user text: the result is a discriminated union.
 */
import { tagElsewhere } from './elsewhere.ts';
import { normalizeTag, stripInvisible, type TagGroup, type TagVocabulary } from './vocabulary.ts';
import { suggestTags } from './suggest.ts';

export interface UnknownTag {
  /** The words as typed (invisible characters removed). */
  input: string;
  /**
   * typo: not a tag (suggestions may help); elsewhere: a tag other models have (`elsewhere`
   * names it) that this one lacks; invisible: only zero-width or other invisible characters.
   */
  reason: 'typo' | 'elsewhere' | 'invisible';
  /** Up to 3 canonical names that the user may have meant (may be empty). */
  suggestions: string[];
  /** For reason 'elsewhere': the tag's usual name ("赤面" → "blush"). */
  elsewhere?: string;
}

/** Sentences of an unknown-tags message; {input}, {suggestions}, {name} and {count} are filled in. */
export interface UnknownTagWording {
  typo: string;
  typoWithSuggestions: string;
  elsewhere: string;
  elsewhereNamed: string;
  invisible: string;
  more: string;
}

export const UNKNOWN_TAG_WORDING: UnknownTagWording = {
  typo: 'Unknown tag "{input}".',
  typoWithSuggestions: 'Unknown tag "{input}": did you mean {suggestions}?',
  elsewhere: '"{input}" is not among this model’s tags.',
  elsewhereNamed: '"{input}" ({name}) is not among this model’s tags.',
  invisible: 'A tag was only invisible characters (zero-width spaces or the like): type its name.',
  more: '…and {count} more words that are not tags of this model.',
};

/** Unknown words itemised in a message; the rest are counted ("…and 90 more"). */
export const MAX_UNKNOWN_LINES = 5;
/** Longest echo of one typed word, so that a long paste cannot fill the message. */
const MAX_ECHO_CHARS = 40;

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, k: string) => (k in vars ? String(vars[k]) : whole));
}

/**
 * One line per unknown word (at most MAX_UNKNOWN_LINES, then a count of the rest), in
 * `wording`'s language: a few hundred characters however much was pasted.
 */
export function unknownTagsMessage(unknown: readonly UnknownTag[], wording: UnknownTagWording = UNKNOWN_TAG_WORDING): string {
  const echo = (s: string) => ([...s].length > MAX_ECHO_CHARS ? `${[...s].slice(0, MAX_ECHO_CHARS - 1).join('')}…` : s);
  const lines = unknown.slice(0, MAX_UNKNOWN_LINES).map((u) => {
    const input = echo(u.input);
    if (u.reason === 'invisible') return wording.invisible;
    if (u.reason === 'elsewhere') {
      const named = u.elsewhere !== undefined && normalizeTag(u.input) !== normalizeTag(u.elsewhere);
      return fill(named ? wording.elsewhereNamed : wording.elsewhere, { input, name: u.elsewhere ?? '' });
    }
    return u.suggestions.length > 0 ? fill(wording.typoWithSuggestions, { input, suggestions: u.suggestions.join(', ') }) : fill(wording.typo, { input });
  });
  const rest = unknown.length - MAX_UNKNOWN_LINES;
  if (rest > 0) lines.push(fill(wording.more, { count: rest }));
  return lines.join('\n');
}

export interface TagWarning {
  /** several_in_group: alternatives mixed; hidden: a tag asked for behind one that hides it (closed_eyes + blue_eyes). */
  code: 'several_in_group' | 'hidden';
  /** The exclusive set (tags.json `exclusive`), or the group when the vocabulary has no sets. */
  group: TagGroup;
  tags: string[];
  message: string;
}

export type ParseResult =
  | { ok: true; tags: string[]; warnings: TagWarning[] }
  | {
      ok: false;
      /** The tags that were recognised anyway. */
      tags: string[];
      unknown: UnknownTag[];
      warnings: TagWarning[];
      /** Unknown words, fit to show the user: a few lines however long the input (unknownTagsMessage). */
      message: string;
    };

export interface ParseOptions {
  /**
   * Only for vocabularies without `exclusive` sets: groups where several tags together are
   * normal, so no warning (default below).
   */
  multiGroups?: readonly string[];
}

/**
 * Groups whose tags combine naturally. 'other' is here too: it mixes unrelated tags
 * (head_tilt + white_background is an ordinary request, not a conflict).
 */
export const DEFAULT_MULTI_GROUPS: readonly string[] = ['expression', 'accessories', 'face', 'other'];

/** Longest tag name in words, plus slack: bounds the greedy multi-word match. */
const MAX_WORDS_PER_TAG = 6;
/** Discord options are ≤ 6000 characters; nothing sensible is longer than this. */
const MAX_INPUT = 2000;

const GROUP_LABEL: Record<string, string> = {
  hair_color: 'hair colours (they will be mixed)',
  eye_color: 'eye colours (they will be mixed)',
  hairstyle: 'hairstyles (they will be blended)',
  mouth: 'mouth expressions (they will be blended)',
  background: 'backgrounds (they will be blended)',
};

export function parseTags(vocab: TagVocabulary, text: string, options: ParseOptions = {}): ParseResult {
  const tags: string[] = [];
  const unknown: UnknownTag[] = [];
  const add = (name: string) => {
    if (!tags.includes(name)) tags.push(name);
  };
  const unknownWord = (input: string): UnknownTag => {
    const elsewhere = tagElsewhere(input);
    if (elsewhere !== undefined) return { input, reason: 'elsewhere', suggestions: [], elsewhere };
    return { input, reason: 'typo', suggestions: suggestTags(vocab, input) };
  };
  const reportUnknown = (words: string[]) => {
    if (words.length === 0) return;
    const whole = unknownWord(words.join(' '));
    if (whole.reason === 'elsewhere' || whole.suggestions.length > 0 || words.length === 1) unknown.push(whole);
    else for (const w of words) unknown.push(unknownWord(w));
  };

  for (const piece of String(text)
    .slice(0, MAX_INPUT)
    .split(/[,、，;；\n]+/u)) {
    if (/\p{Cf}/u.test(piece) && normalizeTag(piece) === '') {
      // Typed, but nothing visible: zero-width spaces and the like.
      unknown.push({ input: '', reason: 'invisible', suggestions: [] });
      continue;
    }
    const whole = vocab.lookup(piece);
    if (whole) {
      add(whole.name);
      continue;
    }
    const words = stripInvisible(piece)
      .split(/\s+/u)
      .filter((w) => normalizeTag(w) !== '');
    let pending: string[] = [];
    for (let i = 0; i < words.length; ) {
      let matched = 0;
      for (let j = Math.min(words.length, i + MAX_WORDS_PER_TAG); j > i; j--) {
        const entry = vocab.lookup(words.slice(i, j).join('_'));
        if (entry) {
          reportUnknown(pending);
          pending = [];
          add(entry.name);
          matched = j - i;
          break;
        }
      }
      if (matched === 0) {
        const segments = segmentUnspaced(vocab, words[i]!);
        if (segments) {
          reportUnknown(pending);
          pending = [];
          segments.forEach(add);
        } else pending.push(words[i]!);
        matched = 1;
      }
      i += matched;
    }
    reportUnknown(pending);
  }

  const warnings = tagWarnings(vocab, tags, options.multiGroups);
  if (unknown.length === 0) return { ok: true, tags, warnings };
  return { ok: false, tags, unknown, warnings, message: unknownTagsMessage(unknown) };
}

/**
 * Japanese is written without spaces ("金髪笑顔"): split a non-ASCII word into known
 * spellings when it is fully covered by them (longest match first); undefined otherwise.
 */
function segmentUnspaced(vocab: TagVocabulary, word: string): string[] | undefined {
  const w = normalizeTag(word);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this pattern looks for
  if (/^[\x00-\x7f]*$/.test(w) || w.length > 64) return undefined;
  const out: string[] = [];
  let i = 0;
  while (i < w.length) {
    let found = false;
    for (let j = w.length; j > i; j--) {
      const e = vocab.lookup(w.slice(i, j));
      if (e) {
        out.push(e.name);
        i = j;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
  }
  return out.length > 1 ? out : undefined;
}

/**
 * Several tags that are alternatives to each other are allowed (the original recommends
 * mixing hair colours) but worth a note. Alternatives are the tags sharing an `exclusive`
 * set in tags.json; a vocabulary without sets falls back to groups, minus `multiGroups`.
 */
export function tagWarnings(vocab: TagVocabulary, tags: readonly string[], multiGroups: readonly string[] = DEFAULT_MULTI_GROUPS): TagWarning[] {
  const hasSets = vocab.entries.some((e) => e.exclusive);
  const bySet = new Map<string, string[]>();
  for (const name of tags) {
    const entry = vocab.lookup(name)!;
    const set = hasSets ? entry.exclusive : multiGroups.includes(entry.group) ? undefined : entry.group;
    if (set === undefined) continue;
    bySet.set(set, [...(bySet.get(set) ?? []), name]);
  }
  const several: TagWarning[] = [...bySet]
    .filter(([, names]) => names.length > 1)
    .map(([group, names]) => ({
      code: 'several_in_group' as const,
      group,
      tags: names,
      message: `${names.length} ${GROUP_LABEL[group] ?? `"${group}" tags (they will be blended)`}: ${names.join(', ')}.`,
    }));
  return [...several, ...hiddenWarnings(vocab, tags)];
}

/** A tag of a set that another named tag hides: the model never saw the two together. */
function hiddenWarnings(vocab: TagVocabulary, tags: readonly string[]): TagWarning[] {
  const entries = tags.map((n) => vocab.lookup(n)!);
  const out: TagWarning[] = [];
  for (const hider of entries) {
    for (const set of hider.hides) {
      const shown = entries.filter((e) => e.exclusive === set).map((e) => e.name);
      if (shown.length === 0) continue;
      out.push({
        code: 'hidden',
        group: set,
        tags: [hider.name, ...shown],
        message: `${hider.name} hides the ${set.replace(/_/g, ' ')}, so ${shown.join(', ')} will barely show.`,
      });
    }
  }
  return out;
}
