/**
 * Blend (the original's page 6): two girls as the ends of a strip, three or four as the
 * corners of a bilinear grid. Each end is the girl as she is, z and tags both: the frames
 * between interpolate both, so a blonde end stays blonde. Tags the user names are put onto
 * every girl's own (the groups not named keep each girl's values).
 */
import { bilinearGrid, interpolateSteps, lerp, type InterpolationKind } from '../latent/interpolate.ts';
import { requireModel } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import { UserError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';
import type { Girl } from './girl.ts';
import { LIMITS, intInRange } from './limits.ts';
import { gridPng, stripPng } from './pictures.ts';
import { mergeTags, resolveTags } from './tags-input.ts';

export interface BlendRequest {
  girls: Girl[];
  /** Strip length for 2 girls; grid side for 3–4. */
  steps?: number;
  /** Tags put onto every girl's own (named groups replaced, the rest kept); default none. */
  tags?: string;
  interpolation?: InterpolationKind;
  labels?: string[];
}

export interface BlendResult extends CoreResult {
  /** The tags each given girl was drawn with at her end or corner, in the order given. */
  endTags: Float32Array[];
  /** The tag names the user gave, as parsed (empty: each girl kept her own). */
  namedTags: string[];
}

export async function blend(ctx: CoreContext, req: BlendRequest): Promise<BlendResult> {
  const n = req.girls.length;
  if (n < 2 || n > 4) throw new UserError('bad_number', `Blend takes 2 to 4 girls (got ${n}).`, errorDetail('blend.count', { count: n }));
  const modelId = req.girls[0]!.modelId;
  if (req.girls.some((g) => g.modelId !== modelId)) {
    throw new UserError(
      'unknown_model',
      'These girls were drawn by different models, whose z spaces do not match: they cannot be blended.',
      errorDetail('blend.models'),
    );
  }
  const model = requireModel(ctx.catalog, modelId);
  const namedTags = req.tags?.trim() ? resolveTags(model, req.tags).names : [];
  const endTags = req.girls.map((g) => (namedTags.length ? mergeTags(model, g.tags, namedTags) : Float32Array.from(g.tags)));
  const kind = req.interpolation ?? 'slerp';
  const labelOf = (i: number) => req.labels?.[i] ?? String.fromCharCode(65 + i);
  const title = `${req.girls.map((_, i) => labelOf(i)).join(' + ')}${namedTags.length ? ` · ${namedTags.join(', ')}` : ''}`;
  if (n === 2) {
    const steps = intInRange(req.steps, LIMITS.steps, 'The number of steps');
    // Tags move linearly from one girl's to the other's while z follows `kind`.
    const tagSteps = interpolateSteps(endTags[0]!, endTags[1]!, steps, 'lerp');
    const girls = interpolateSteps(req.girls[0]!.z, req.girls[1]!.z, steps, kind).map((z, i) => ({ modelId, z, tags: tagSteps[i]! }));
    const images = await drawGirls(ctx, girls);
    const labels = images.map((_, i) => (i === 0 ? labelOf(0) : i === steps - 1 ? labelOf(1) : `${i + 1}/${steps}`));
    return { attachments: [await stripPng(ctx, 'blend.png', images, { title, labels, numbers: true })], girls, endTags, namedTags };
  }
  const side = intInRange(req.steps === undefined ? undefined : req.steps, LIMITS.blendGrid, 'The grid size');
  // Three girls: the fourth corner is the midpoint of the second and third, so the grid
  // spans a triangle's worth of faces without leaving the region between the three.
  const corners = (v: Float32Array[]): [Float32Array, Float32Array, Float32Array, Float32Array] => [
    v[0]!,
    v[1]!,
    v[2]!,
    n === 4 ? v[3]! : lerp(v[1]!, v[2]!, 0.5),
  ];
  const zs = bilinearGrid(corners(req.girls.map((g) => g.z)), side, side).flat();
  const tagGrid = bilinearGrid(corners(endTags), side, side).flat();
  const girls = zs.map((z, i) => ({ modelId, z, tags: tagGrid[i]! }));
  const images = await drawGirls(ctx, girls);
  return { attachments: [await gridPng(ctx, 'blend.png', images, { title, columns: side, numbers: true })], girls, endTags, namedTags };
}
