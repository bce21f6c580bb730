/**
 * A girl is (model id, z, tags): the same three always draw the same face with that model.
 * Gacha draws also remember the integer seed that named their z.
 */
import { truncate } from '../latent/interpolate.ts';
import { seedToZ } from '../latent/seed-random.ts';
import { decodeShareCode, encodeShareCode, peekShareCode } from '../latent/share-code.ts';
import { errorDetail, ShareCodeError } from '../latent/errors.ts';
import type { TagVocabulary } from '../tags/vocabulary.ts';
import type { ModelCatalog, ModelEntry } from './catalog.ts';
import { UserError } from './errors.ts';
import { fillSetsAtRandom, fillTypicalSets, type FillVersion } from './tags-input.ts';

export interface Girl {
  modelId: string;
  z: Float32Array;
  tags: Float32Array;
  /** The integer seed that named z, when it came from one. */
  seed?: number;
}

export interface SeedOptions {
  /** Truncation ψ (default 1: z as the seed names it). */
  psi?: number;
  /** Fill each set the tags leave empty with the seed's own draw (the gacha's; default off). */
  randomFill?: boolean;
  /** Which random fill (tags-input.ts): a stored picture's own; default the latest. */
  fillVersion?: FillVersion;
  /**
   * Without randomFill: fill those sets with each set's most common tag, the same for every
   * seed (what a user's "no random fill" asks for: a model is never asked for a face with a
   * group empty). Off: exactly the tags given (tests, tools).
   */
  typicalFill?: boolean;
}

/** The one seed → girl recipe: z from the seed (truncated when ψ ≠ 1) and the tags, filled when asked. */
export function seedGirl(model: ModelEntry, seed: number, tags: Float32Array, opts: SeedOptions = {}): Girl {
  const psi = opts.psi ?? 1;
  const z = psi === 1 ? seedToZ(seed, model.zDim) : truncate(seedToZ(seed, model.zDim), psi);
  const filled = opts.randomFill ? fillSetsAtRandom(model, tags, seed, opts.fillVersion) : opts.typicalFill ? fillTypicalSets(model, tags) : tags;
  return { modelId: model.id, seed, z, tags: filled };
}

export function shareCodeOf(girl: Girl): string {
  return encodeShareCode({ modelId: girl.modelId, z: girl.z, tags: girl.tags });
}

/** Reads a share code made with any model this catalog holds. */
export function girlFromCode(catalog: ModelCatalog, code: string): Girl {
  try {
    const { modelId } = peekShareCode(code);
    const model = catalog.get(modelId);
    if (!model) throw missingModel(catalog, modelId);
    return decodeShareCode(code, { zDim: model.zDim, numTags: model.vocabulary.size, modelId });
  } catch (e) {
    if (e instanceof ShareCodeError) throw new UserError('bad_code', e.message, e.detail);
    throw e;
  }
}

function missingModel(catalog: ModelCatalog, id: string): UserError {
  const models = catalog.ids().join(', ');
  return new UserError(
    'unknown_model',
    `That code was made with model "${id}", which this bot does not have (models: ${models}).`,
    errorDetail('model.code_unknown', { model: id, models }),
  );
}

/**
 * Tags for display: names of tags at full strength, "name×0.43" for fractional ones
 * (morph frames), in vector order.
 */
export function describeTags(vocab: TagVocabulary, tags: ArrayLike<number>, opts: { japanese?: boolean } = {}): string {
  const parts: string[] = [];
  for (const e of vocab.entries) {
    const v = tags[e.index] ?? 0;
    // Japanese names where the vocabulary has them (they parse back as the same tags).
    const name = opts.japanese && e.ja ? e.ja : e.name;
    if (v >= 0.995) parts.push(name);
    else if (v > 0.005) parts.push(`${name}×${v.toFixed(2)}`);
  }
  return parts.join(', ') || (opts.japanese ? '（タグなし）' : '(no tags)');
}
