/**
 * A girl is (model id, z, tags): the same three always draw the same face with that model.
 * Gacha draws also remember the integer seed that named their z.
 */
import { decodeShareCode, encodeShareCode } from '../gan/share-code.ts';
import { ShareCodeError } from '../gan/errors.ts';
import type { TagVocabulary } from '../gan/tag-vocabulary.ts';
import type { ModelCatalog } from './catalog.ts';
import { UserError } from './errors.ts';

export interface Girl {
  modelId: string;
  z: Float32Array;
  tags: Float32Array;
  /** The integer seed that named z, when it came from one. */
  seed?: number;
}

export function shareCodeOf(girl: Girl): string {
  return encodeShareCode({ modelId: girl.modelId, z: girl.z, tags: girl.tags });
}

/** Reads a share code made with any model this catalog holds. */
export function girlFromCode(catalog: ModelCatalog, code: string): Girl {
  const first = catalog.get(catalog.defaultModelId);
  try {
    const d = decodeShareCode(code, { zDim: first?.zDim ?? 100, numTags: first?.vocabulary.size ?? 0 });
    if (!catalog.get(d.modelId)) throw missingModel(catalog, d.modelId);
    return d;
  } catch (e) {
    if (!(e instanceof ShareCodeError)) throw e;
    // A code of another model with other widths: decode again with that model's widths.
    const other = e.modelId !== undefined ? catalog.get(e.modelId) : undefined;
    if (e.code === 'bad_length' && e.modelId !== undefined && !other) throw missingModel(catalog, e.modelId);
    if (other && other.id !== catalog.defaultModelId) {
      try {
        return decodeShareCode(code, { zDim: other.zDim, numTags: other.vocabulary.size, modelId: other.id });
      } catch (again) {
        if (again instanceof ShareCodeError) throw new UserError('bad_code', again.message);
        throw again;
      }
    }
    throw new UserError('bad_code', e.message);
  }
}

function missingModel(catalog: ModelCatalog, id: string): UserError {
  return new UserError(
    'unknown_model',
    `That code was made with model "${id}", which this bot does not have (models: ${catalog.ids().join(', ')}).`,
  );
}

/**
 * Tags for display: names of tags at full strength, "name×0.43" for fractional ones
 * (morph frames), in vector order.
 */
export function describeTags(vocab: TagVocabulary, tags: ArrayLike<number>): string {
  const parts: string[] = [];
  for (const e of vocab.entries) {
    const v = tags[e.index] ?? 0;
    if (v >= 0.995) parts.push(e.name);
    else if (v > 0.005) parts.push(`${e.name}×${v.toFixed(2)}`);
  }
  return parts.join(', ') || '(no tags)';
}
