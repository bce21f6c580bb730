/**
 * Picture sizes. A model's card.json `sizes` names the models that draw the same girls — the
 * same z and tags give the same face — at other sizes (e.g. lorelei128-v3 and
 * lorelei256-v3: the same weights exported at 128 and 256 px). A size asked for draws a
 * girl with her family's member of that size; she keeps her own model id, so her share code,
 * her favourite and her stored pictures do not change.
 */
import { requireModel, type ModelCatalog, type ModelEntry } from './catalog.ts';
import { UserError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';

/** The size asked for, and what happens to a girl whose model family has no such size. */
export interface PictureSize {
  px: number;
  /** true: a UserError (the CLI's --px); false: she is drawn at her own model's size (the bot's setting). */
  strict: boolean;
}

/** The sizes the bot offers (/settings size:); the first is its default: the quickest. */
export const BOT_PICTURE_SIZES = [128, 256] as const;
export const BOT_DEFAULT_PICTURE_PX = BOT_PICTURE_SIZES[0];

/** The served models that draw `model`'s girls, by size, ascending; her own model always among them. */
export function familySizes(catalog: ModelCatalog, model: ModelEntry): Map<number, ModelEntry> {
  const family = new Map<number, ModelEntry>([[model.imageSize, model]]);
  for (const [px, id] of Object.entries(model.card.sizes ?? {})) {
    // A linked id may be a former id (catalog.get finds its model); an unserved one is a size not here.
    const m = catalog.get(id);
    if (m && m.imageSize === Number(px)) family.set(m.imageSize, m);
  }
  return new Map([...family].sort(([a], [b]) => a - b));
}

/** Every size some model here draws at, ascending. */
export function pictureSizes(catalog: ModelCatalog): number[] {
  return [...new Set(catalog.ids().map((id) => catalog.get(id)!.imageSize))].sort((a, b) => a - b);
}

const listed = (sizes: readonly number[]) => sizes.join(', ');

/** `px` when some model here draws pictures of that size; else a UserError naming the sizes there are. */
export function checkPictureSize(catalog: ModelCatalog, px: number): number {
  const sizes = pictureSizes(catalog);
  if (!sizes.includes(px)) {
    throw new UserError(
      'bad_size',
      `There is no ${px} px picture size here: the models draw ${listed(sizes)} px pictures.`,
      errorDetail('size.unknown', { px: String(px), sizes: listed(sizes) }),
    );
  }
  return px;
}

/**
 * The model that draws `modelId`'s girls at `size.px` (her own when it is her size). Without
 * such a member of her family: strict, a UserError saying which sizes her model draws; else
 * her own model.
 */
export function drawingModel(catalog: ModelCatalog, modelId: string, size: PictureSize): ModelEntry {
  const model = requireModel(catalog, modelId);
  const family = familySizes(catalog, model);
  const at = family.get(size.px);
  if (at || !size.strict) return at ?? model;
  checkPictureSize(catalog, size.px);
  const sizes = listed([...family.keys()]);
  throw new UserError(
    'no_size',
    `This girl's model (${model.id}) draws ${sizes} px pictures only, not ${size.px} px.`,
    errorDetail('size.not_for_model', { model: model.id, sizes, px: size.px }),
  );
}

/** Ids of the served models whose girls can be drawn at `px` (their own size or a family member's). */
export function modelsDrawingAt(catalog: ModelCatalog, px: number): string[] {
  return catalog.ids().filter((id) => familySizes(catalog, catalog.get(id)!).has(px));
}
