/**
 * The one way the core draws girls. A share code (and a favourite) keeps z as float16 and
 * tags in steps of 1/255, so the generator is handed exactly those values: a girl redrawn
 * from her code — or from a favourite — gives the very pixels of the tile she was picked
 * from, not a near copy one level off here and there.
 */
import { roundToFloat16 } from '../util/float16.ts';
import type { RawImage } from '../render/raw-image.ts';
import type { CoreContext, GenerationRequest } from './context.ts';

/** z as a float16 round trip leaves it, tags on the 1/255 grid of share codes. */
export function drawable(request: GenerationRequest): GenerationRequest {
  return {
    modelId: request.modelId,
    z: Float32Array.from(request.z, roundToFloat16),
    tags: Float32Array.from(request.tags, (v) => Math.min(255, Math.max(0, Math.round(v * 255))) / 255),
  };
}

export function drawGirls(ctx: CoreContext, girls: readonly GenerationRequest[]): Promise<RawImage[]> {
  return ctx.generator.generate(girls.map(drawable));
}
