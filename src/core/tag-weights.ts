/**
 * Tag vectors ↔ stored weights ({tag_name: weight}). The store keeps names, not positions,
 * so a favourite survives a model whose tags.json lists the same tags in another order.
 */
import type { TagVocabulary } from '../tags/vocabulary.ts';
import type { ModelEntry } from './catalog.ts';
import { UserError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';

/** Tag name → weight in [0, 1]; absent tags are 0. */
export type TagWeights = Readonly<Record<string, number>>;

/** Non-zero entries of a vector, by canonical name. */
export function weightsOf(vocab: TagVocabulary, vector: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of vocab.entries) {
    const v = vector[e.index] ?? 0;
    if (v > 0) out[e.name] = v;
  }
  return out;
}

/** The vector for stored weights; a tag the model does not know is a UserError naming it. */
export function vectorOf(model: ModelEntry, weights: TagWeights): Float32Array {
  const unknown = Object.keys(weights).filter((n) => !model.vocabulary.lookup(n));
  if (unknown.length) {
    throw new UserError(
      'unknown_tags',
      `Model "${model.id}" does not know the tag(s) ${unknown.join(', ')} any more.`,
      errorDetail('tags.gone', { model: model.id, tags: unknown.join(', ') }),
    );
  }
  const clamped = Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, Math.min(1, Math.max(0, w))]));
  return model.vocabulary.toVector(clamped);
}
