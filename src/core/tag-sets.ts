/**
 * The sets of alternatives in a model's vocabulary, for the gacha's random fill
 * (tags-input.ts): exclusive sets (tags.json's `exclusive`: a face has one hair colour, one
 * hairstyle…) and optional sets (a face has one of them or none: a skin tone of three, or the
 * default skin). Optional sets come from the default vocabulary by name (default-vocabulary.ts
 * `optionalSet`), for every model whose vocabulary holds all of a set's tags: the bundled
 * models' tags.json files were written before the idea existed, and a model with only some of
 * them (a user's own "tan" among other tags) does not mean the same set.
 */
import { VOCABULARY } from '../tags/default-vocabulary.ts';
import type { TagVocabulary } from '../tags/vocabulary.ts';

export interface TagSets {
  /** Set name → its tags' names, in vocabulary order. */
  exclusiveSets: ReadonlyMap<string, readonly string[]>;
  /** The same for sets a face may also go without. */
  optionalSets: ReadonlyMap<string, readonly string[]>;
}

/** The default vocabulary's optional sets: set name → tag names. */
const DEFAULT_OPTIONAL_SETS = (() => {
  const sets = new Map<string, string[]>();
  for (const t of VOCABULARY) if (t.optionalSet) sets.set(t.optionalSet, [...(sets.get(t.optionalSet) ?? []), t.name]);
  return sets;
})();

export function tagSetsOf(vocabulary: TagVocabulary): TagSets {
  const exclusiveSets = new Map<string, string[]>();
  for (const e of vocabulary.entries) if (e.exclusive) exclusiveSets.set(e.exclusive, [...(exclusiveSets.get(e.exclusive) ?? []), e.name]);
  const optionalSets = new Map<string, string[]>();
  for (const [set, names] of DEFAULT_OPTIONAL_SETS) {
    const entries = names.map((n) => vocabulary.lookup(n));
    if (entries.every((e, i) => e !== undefined && e.name === names[i] && !e.exclusive)) optionalSets.set(set, names);
  }
  return { exclusiveSets, optionalSets };
}
