/** What the core needs to know about the models it can draw with (metadata only, no tfjs). */
import type { ModelSummary } from '../gan/model-files.ts';
import { UserError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';

/** A served model's summary (model-files.ts) plus what the core derives from it. */
export interface ModelEntry extends ModelSummary {
  /** The card's display name, else the id. */
  name: string;
  /** tags.json's `exclusive` sets: set name → tag names (for the gacha's random fill). */
  exclusiveSets: ReadonlyMap<string, readonly string[]>;
  /** Sets a face has one tag of or none (the skin tones): set name → tag names (tag-sets.ts). */
  optionalSets: ReadonlyMap<string, readonly string[]>;
}

export interface ModelCatalog {
  readonly defaultModelId: string;
  get(id: string): ModelEntry | undefined;
  ids(): string[];
}

/** The entry for `id` (default model when omitted), or a UserError naming the models there are. */
export function requireModel(catalog: ModelCatalog, id?: string): ModelEntry {
  const want = id ?? catalog.defaultModelId;
  const entry = catalog.get(want);
  if (!entry) {
    const models = catalog.ids().join(', ') || 'none';
    throw new UserError('unknown_model', `There is no model "${want}" here (models: ${models}).`, errorDetail('model.none', { model: want, models }));
  }
  return entry;
}
