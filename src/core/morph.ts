/**
 * Attribute morph (the original's page 5): one girl, tags interpolated from A to B in n steps
 * with both ends included, so the middle frames carry fractional tags. Returns B so the next
 * morph can start where this one ended.
 */
import { interpolateSteps } from '../latent/interpolate.ts';
import { defaultTileSize, renderAnimation } from '../render/index.ts';
import { requireModel } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import { describeTags, type Girl } from './girl.ts';
import { LIMITS, intInRange } from './limits.ts';
import { stripPng } from './pictures.ts';
import { keepOwnInEmptySets, mergeTags, resolveTags } from './tags-input.ts';

/** Smallest side of a morph's animation, in px. */
const ANIMATION_MIN_PX = 256;

export interface MorphRequest {
  girl: Girl;
  /** Start tags; default the girl's own (or the last morph's target, which the caller passes). */
  from?: Float32Array;
  /** Start tags as typed, put onto her own (the groups not named keep hers); wins over `from`. */
  fromText?: string;
  to: string;
  steps?: number;
  /**
   * Keep her own tags in the groups `to` does not name (default true, as the original's
   * attribute change); false: the target is the tags named, with only the required groups
   * (hair colour, eyes, mouth…) they leave empty taken from the start: her extras go.
   */
  keep?: boolean;
  /** Also return the frames as an animation: WebP (true, the default), GIF, or none (false). */
  animation?: boolean | 'webp' | 'gif';
}

export interface MorphResult extends CoreResult {
  from: Float32Array;
  to: Float32Array;
  toNames: string[];
}

export async function morph(ctx: CoreContext, req: MorphRequest): Promise<MorphResult> {
  const model = requireModel(ctx.catalog, req.girl.modelId);
  const steps = intInRange(req.steps, LIMITS.steps, 'The number of steps');
  const from = req.fromText?.trim() ? mergeTags(model, req.girl.tags, resolveTags(model, req.fromText).names) : (req.from ?? req.girl.tags);
  const target = resolveTags(model, req.to);
  const to = req.keep === false ? keepOwnInEmptySets(model, from, target.vector) : mergeTags(model, from, target.names);
  const frames = interpolateSteps(from, to, steps, 'lerp').map((tags) => ({ ...req.girl, tags }));
  const images = await drawGirls(ctx, frames);
  const title = `${describeTags(model.vocabulary, from)} → ${describeTags(model.vocabulary, to)}`;
  const strip = await stripPng(ctx, 'morph.png', images, { title, numbers: true });
  const attachments = [strip];
  if (req.animation !== false) {
    const format = req.animation === 'gif' ? 'gif' : 'webp';
    // At least 256 px: Discord shows a 128 px animation as a postage stamp.
    const tileSize = Math.max(ANIMATION_MIN_PX, defaultTileSize(images[0]!.width));
    const data = await renderAnimation(images, { format, delayMs: 250, pingPong: true, tileSize });
    attachments.push({ name: `morph.${format}`, data, contentType: `image/${format}` });
  }
  return { attachments, girls: frames, from, to, toNames: target.names };
}
