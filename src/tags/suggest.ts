/**
 * Ranks vocabulary entries against a partial or misspelt word: the engine behind
 * "did you mean" suggestions and Discord autocompletion.
 */
import { distance } from 'fastest-levenshtein';
import { normalizeTag, type TagEntry, type TagVocabulary } from './vocabulary.ts';

/** Edits tolerated for a query of this many characters (about 2 in 5, at least 1). */
function maxEdits(length: number): number {
  return Math.max(1, Math.floor(length * 0.4));
}

/**
 * Entries matching `query` (any spelling: name, Japanese, alias), best first:
 * prefix matches, then substring matches, then near misses by edit distance (whole key or
 * the key's beginning, so a half-typed misspelling still finds its tag).
 */
export function rankTags(vocab: TagVocabulary, query: string, exclude: ReadonlySet<string> = new Set()): TagEntry[] {
  const q = normalizeTag(query);
  if (!q) return [];
  // score: tier * 1000 + distance * 10 + kind; lower is better
  const best = new Map<string, { entry: TagEntry; score: number }>();
  for (const { key, entry, kind } of vocab.keys()) {
    if (exclude.has(entry.name)) continue;
    let score: number;
    if (key.startsWith(q)) score = kind;
    else if (q.length >= 2 && key.includes(q)) score = 1000 + kind;
    else {
      let d = distance(q, key);
      if (q.length >= 3 && key.length > q.length) d = Math.min(d, distance(q, key.slice(0, q.length)) + 1);
      if (d > maxEdits(q.length)) continue;
      score = 2000 + d * 10 + kind;
    }
    const prev = best.get(entry.name);
    if (!prev || score < prev.score) best.set(entry.name, { entry, score });
  }
  return [...best.values()].sort((a, b) => a.score - b.score || b.entry.frequency - a.entry.frequency || a.entry.index - b.entry.index).map((x) => x.entry);
}

/** Up to `max` canonical names to offer for an unknown word. */
export function suggestTags(vocab: TagVocabulary, word: string, max = 3): string[] {
  return rankTags(vocab, word)
    .slice(0, max)
    .map((e) => e.name);
}
