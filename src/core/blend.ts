/**
 * Blend (the original's page 6): z of two girls interpolated under the same tags as a strip;
 * three or four girls as the corners of a bilinear grid.
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
import { resolveTags } from './tags-input.ts';

export interface BlendRequest {
  girls: Girl[];
  /** Strip length for 2 girls; grid side for 3–4. */
  steps?: number;
  /** Tags for every frame; default the first girl's. */
  tags?: string;
  interpolation?: InterpolationKind;
  labels?: string[];
}

export async function blend(ctx: CoreContext, req: BlendRequest): Promise<CoreResult> {
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
  const tags = req.tags?.trim() ? resolveTags(model, req.tags).vector : req.girls[0]!.tags;
  const kind = req.interpolation ?? 'slerp';
  if (n === 2) {
    const steps = intInRange(req.steps, LIMITS.steps, 'The number of steps');
    const girls = interpolateSteps(req.girls[0]!.z, req.girls[1]!.z, steps, kind).map((z) => ({ modelId, z, tags }));
    const images = await drawGirls(ctx, girls);
    const labels = images.map((_, i) => (i === 0 ? (req.labels?.[0] ?? 'A') : i === steps - 1 ? (req.labels?.[1] ?? 'B') : `${i + 1}/${steps}`));
    return { attachments: [await stripPng(ctx, 'blend.png', images, { labels, numbers: true })], girls };
  }
  const side = intInRange(req.steps === undefined ? undefined : req.steps, LIMITS.blendGrid, 'The grid size');
  // Three girls: the fourth corner is the midpoint of the second and third, so the grid
  // spans a triangle's worth of faces without leaving the region between the three.
  const [a, b, c] = req.girls.map((g) => g.z) as [Float32Array, Float32Array, Float32Array];
  const d = n === 4 ? req.girls[3]!.z : lerp(b, c, 0.5);
  const zs = bilinearGrid([a, b, c, d], side, side).flat();
  const girls = zs.map((z) => ({ modelId, z, tags }));
  const images = await drawGirls(ctx, girls);
  return { attachments: [await gridPng(ctx, 'blend.png', images, { columns: side, numbers: true })], girls };
}
