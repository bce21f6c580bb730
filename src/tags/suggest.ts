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

/**
 * Edits between `a` and `b` counting a swap of neighbours as one ("smlie" → "smile"): the
 * optimal string alignment distance, over code points.
 */
export function typoDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[y.length]!;
}

/**
 * Typos tolerated in a word of `length` characters: none up to 3 ("hat" is not "tan"), one up
 * to 5 ("smlie", "glass"), two up to 8 ("earing", "blnde_hair"), then one per four. So real
 * typos find their tags, while a word that merely looks like one is not offered it ("blush"
 * → blue_hair, 赤面 → 赤髪 and "shiny_hair" → pink_hair were).
 */
function typoBudget(length: number): number {
  if (length <= 3) return 0;
  if (length <= 5) return 1;
  return Math.max(2, Math.floor(length / 4));
}

/** Shortest typed beginning of a tag offered as "did you mean" ("twin" → twintails); kanji and kana carry more per character. */
function minPrefix(q: string): number {
  return /^[\x20-\x7e]*$/.test(q) ? 3 : 1;
}

/**
 * Up to `max` canonical names to offer for an unknown word: tags it begins ("twin",
 * "blonde", 金) or names a part of after an underscore ("eyes"), then tags within its typo
 * budget, best first. Stricter than rankTags, which completes what is being typed.
 */
export function suggestTags(vocab: TagVocabulary, word: string, max = 3): string[] {
  const q = normalizeTag(word);
  const length = [...q].length;
  if (length === 0) return [];
  const budget = typoBudget(length);
  const best = new Map<string, { entry: TagEntry; score: number }>();
  for (const { key, entry, kind } of vocab.keys()) {
    let score: number;
    if (length >= minPrefix(q) && (key.startsWith(q) || key.includes(`_${q}`))) score = kind;
    else {
      if (Math.abs([...key].length - length) > budget) continue;
      const d = typoDistance(q, key);
      if (d > budget) continue;
      score = 100 + d * 10 + kind;
    }
    const prev = best.get(entry.name);
    if (!prev || score < prev.score) best.set(entry.name, { entry, score });
  }
  return [...best.values()]
    .sort((a, b) => a.score - b.score || b.entry.frequency - a.entry.frequency || a.entry.index - b.entry.index)
    .slice(0, max)
    .map((x) => x.entry.name);
}
