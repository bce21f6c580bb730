/**
 * The one way the core draws girls. A share code (and a favourite) keeps z as float16 and
 * tags in steps of 1/255, so the generator is handed exactly those values: a girl redrawn
 * from her code — or from a favourite — gives the very pixels of the tile she was picked
 * from, not a near copy one level off here and there.
 */
import type { RawImage } from '../gan/image.ts';
import { roundToFloat16 } from '../latent/float16.ts';
import { onTagGrid } from '../latent/share-code.ts';
import type { CoreContext, GenerateRequest } from './context.ts';
import { drawingModel } from './picture-size.ts';

/** z as a float16 round trip leaves it, tags on the 1/255 grid of share codes. */
export function drawable<R extends GenerateRequest>(request: R): GenerateRequest & Pick<R, 'modelId'> {
  return {
    modelId: request.modelId,
    z: Float32Array.from(request.z, roundToFloat16),
    tags: Float32Array.from(request.tags, onTagGrid),
  };
}

/**
 * The girls' pictures, in order. With a picture size asked for (ctx.pictureSize), each is
 * drawn by the model of her family that draws that size; the girls themselves keep their ids.
 */
export async function drawGirls(ctx: CoreContext, girls: readonly GenerateRequest[]): Promise<RawImage[]> {
  const size = typeof ctx.pictureSize === 'function' ? await ctx.pictureSize() : ctx.pictureSize;
  const requests = girls.map(drawable);
  if (size) {
    for (const r of requests) {
      const id = r.modelId ?? ctx.catalog.defaultModelId;
      // A model the catalog lacks is left to the generator, which names the models it has.
      if (ctx.catalog.get(id)) r.modelId = drawingModel(ctx.catalog, id, size).id;
    }
  }
  return ctx.generator.generate(requests);
}
