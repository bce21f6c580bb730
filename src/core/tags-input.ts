/** User text → tag vector, with the gacha's random fill for exclusive sets left empty. */
import { SeedRandom } from '../latent/seed-random.ts';
import { parseTags, tagWarnings, type TagWarning } from '../tags/parse.ts';

// For replies that list unknown words in the user's language (the bot does not reach into tags/).
export { unknownTagsMessage, type UnknownTag, type UnknownTagWording } from '../tags/parse.ts';
import type { ModelEntry } from './catalog.ts';
import { UserError } from './errors.ts';
import { vectorOf, type TagWeights } from './tag-weights.ts';

export interface ResolvedTags {
  names: string[];
  vector: Float32Array;
  warnings: TagWarning[];
}

/** Parses tag text against a model's vocabulary; unknown words → UserError with suggestions. */
export function resolveTags(model: ModelEntry, text: string | undefined): ResolvedTags {
  const result = parseTags(model.vocabulary, text ?? '');
  if (!result.ok) throw new UserError('unknown_tags', result.message, undefined, result.unknown);
  return { names: result.tags, vector: model.vocabulary.toVector(result.tags), warnings: result.warnings };
}

/**
 * Stored tag weights (a picture's or a favourite's) as if they had been typed: the same
 * names, vector and notes, with no text in between.
 */
export function resolveWeights(model: ModelEntry, weights: TagWeights): ResolvedTags {
  const names = Object.keys(weights);
  return { names, vector: vectorOf(model, weights), warnings: tagWarnings(model.vocabulary, names) };
}

/**
 * Named tags put onto a girl's own: every tag she has stays unless a named tag replaces it.
 * A named tag of an exclusive set (red_hair in hair_color, smile in mouth) clears the rest of
 * that set; other named tags are added. So "red_hair, smile" changes her hair colour and
 * mouth and keeps her eyes, hairstyle, background and accessories.
 *
 * Hidden sets (tags.json `hides`) follow the training data, where an eye colour nobody can see
 * is not tagged: naming closed_eyes or sunglasses clears her eye colour, and naming an eye
 * colour takes off the closed eyes or sunglasses she had (unless they are named too).
 */
export function mergeTags(model: Pick<ModelEntry, 'vocabulary' | 'exclusiveSets'>, own: Float32Array, named: readonly string[]): Float32Array {
  const out = Float32Array.from(own);
  const entries = entriesOf(model, named);
  const isNamed = new Set(entries.map((e) => e.index));
  const clearSet = (set: string) => {
    for (const other of model.exclusiveSets.get(set) ?? []) {
      const e = model.vocabulary.lookup(other);
      if (e && !isNamed.has(e.index)) out[e.index] = 0;
    }
  };
  for (const entry of entries) {
    if (entry.exclusive) {
      clearSet(entry.exclusive);
      for (const hider of model.vocabulary.entries) {
        if (hider.hides.includes(entry.exclusive) && !isNamed.has(hider.index)) out[hider.index] = 0;
      }
    }
    for (const set of entry.hides) clearSet(set);
  }
  for (const entry of entries) out[entry.index] = 1;
  return out;
}

/** Exclusive sets that a tag she has (at half strength or more) hides. */
function hiddenSets(model: Pick<ModelEntry, 'vocabulary'>, tags: ArrayLike<number>): Set<string> {
  const hidden = new Set<string>();
  for (const e of model.vocabulary.entries) {
    if (e.hides.length > 0 && (tags[e.index] ?? 0) >= 0.5) for (const set of e.hides) hidden.add(set);
  }
  return hidden;
}

/** Moves the random fill of seed s onto a stream other than the z of s. */
const FILL_STREAM = 0x5f3759df;

/**
 * Versions of the random fill. A stored gacha picture is redrawn from its seeds, so it keeps
 * the version it was drawn with (store/picture-params.ts) and new pictures take the latest:
 * 1, the exclusive sets only (pictures stored by bots before 2026-12-07); 2, also the optional
 * sets — a skin tone, or none, by frequency — drawn after them from the same stream, so that
 * whatever version 1 drew for a seed, version 2 draws too.
 */
export type FillVersion = 1 | 2;
export const FILL_VERSION: FillVersion = 2;

/** A stored version number as a FillVersion: one this code does not know (a newer bot's) reads as the latest. */
export function fillVersionOf(stored: number): FillVersion {
  return stored === 1 ? 1 : FILL_VERSION;
}

/** Weighted pick: the index whose share of `total` holds `roll` (0 ≤ roll < total), -1 past the weights. */
function pickWeighted(weights: readonly number[], roll: number): number {
  return weights.findIndex((w) => {
    roll -= w;
    return roll < 0;
  });
}

/**
 * MakeGirlsMoe's "random" label state, deterministic in `seed`. For each exclusive set (hair
 * colour, hairstyle, eye colour, mouth, background) that the user named no tag of, one tag drawn
 * by its training frequency: every training image has one of each, so an empty set draws
 * off-distribution faces — except a set that a chosen tag hides (no eye colour behind closed eyes
 * or sunglasses: the data has none there). From version 2, for each optional set (the skin tones)
 * named by none of the tags, one of its tags or none, by frequency (none: the share of training
 * images without any of them, the default skin).
 */
export function fillSetsAtRandom(
  model: Pick<ModelEntry, 'vocabulary' | 'exclusiveSets' | 'optionalSets'>,
  chosen: Float32Array,
  seed: number,
  version: FillVersion = FILL_VERSION,
): Float32Array {
  const out = Float32Array.from(chosen);
  // Not SeedRandom(seed) itself: that stream is the girl's z, and its first uniforms are the
  // Box–Muller inputs of z[0] and z[1], which would tie hair and eye colour to them.
  const rng = new SeedRandom((seed ^ FILL_STREAM) >>> 0);
  const hidden = hiddenSets(model, chosen);
  for (const [set, names] of model.exclusiveSets) {
    const entries = entriesOf(model, names);
    if (entries.some((e) => out[e.index]! > 0)) continue;
    if (entries.length === 0) continue;
    // Weighted by training frequency; a tag no training image had is never drawn. Only a
    // set whose frequencies are all unknown (0) is drawn uniformly.
    const known = entries.some((e) => e.frequency > 0);
    const weights = entries.map((e) => (known ? e.frequency : 1));
    const total = weights.reduce((a, b) => a + b, 0);
    const roll = rng.uniform() * total;
    // After the draw, so the sets after this one fill as they did before `hides` existed.
    if (hidden.has(set)) continue;
    // The last drawable entry catches a roll that rounding leaves at or just above 0.
    let pick = pickWeighted(weights, roll);
    if (pick < 0) {
      pick = weights.length - 1;
      while (weights[pick] === 0) pick--;
    }
    out[entries[pick]!.index] = 1;
  }
  if (version < 2) return out;
  for (const names of model.optionalSets.values()) {
    const entries = entriesOf(model, names);
    if (entries.length === 0 || entries.some((e) => out[e.index]! > 0)) continue;
    // Unknown frequencies (0) leave only "none": such a set is never drawn.
    const weights = entries.map((e) => e.frequency);
    const total = weights.reduce((a, b) => a + b, 0);
    const pick = pickWeighted(weights, rng.uniform() * (total + Math.max(0, 1 - total)));
    if (pick >= 0) out[entries[pick]!.index] = 1;
  }
  return out;
}

/** The vocabulary entries of these tag names, in their order (a name the vocabulary lacks left out). */
function entriesOf(model: Pick<ModelEntry, 'vocabulary'>, names: readonly string[]) {
  return names.map((n) => model.vocabulary.lookup(n)).filter((e) => e !== undefined);
}

/** The vocabulary entries of each exclusive set, in the set's order. */
function setEntries(model: Pick<ModelEntry, 'vocabulary' | 'exclusiveSets'>) {
  return [...model.exclusiveSets].map(([set, names]) => ({ set, entries: entriesOf(model, names) }));
}

/**
 * `exact` (tags that replace hers: a row with keep off, a morph target with keep off) with
 * every exclusive set it leaves empty taken from `own`. Every training image has one tag of
 * each set, so a set left empty draws an eyeless, smeared face; the groups the user did not
 * name keep her values instead. A set that a tag of `exact` hides stays empty (no eye colour
 * behind sunglasses), and her tags outside the sets (glasses, blush…) are not brought back.
 */
export function keepOwnInEmptySets(model: Pick<ModelEntry, 'vocabulary' | 'exclusiveSets'>, own: ArrayLike<number>, exact: Float32Array): Float32Array {
  const out = Float32Array.from(exact);
  const hidden = hiddenSets(model, exact);
  for (const { set, entries } of setEntries(model)) {
    if (hidden.has(set) || entries.some((e) => out[e.index]! > 0)) continue;
    for (const e of entries) out[e.index] = own[e.index] ?? 0;
  }
  return out;
}

/**
 * For each exclusive set the tags leave empty (and no chosen tag hides), the set's most common
 * tag in the training data: the fill of "no random fill", the same for every seed, so seeds
 * differ in face only and the model is never asked for a face with a group empty.
 */
export function fillTypicalSets(model: Pick<ModelEntry, 'vocabulary' | 'exclusiveSets'>, chosen: Float32Array): Float32Array {
  const out = Float32Array.from(chosen);
  const hidden = hiddenSets(model, chosen);
  for (const { set, entries } of setEntries(model)) {
    if (entries.length === 0 || hidden.has(set) || entries.some((e) => out[e.index]! > 0)) continue;
    // The first of the most frequent (the set's first tag when no frequencies are known).
    const typical = entries.reduce((best, e) => (e.frequency > best.frequency ? e : best), entries[0]!);
    out[typical.index] = 1;
  }
  return out;
}
