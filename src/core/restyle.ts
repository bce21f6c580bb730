/**
 * Attribute change (the original's page 4): the same girls redrawn with other tags. Each
 * girl is a column, each tag set a row, so a column shows one face across styles.
 */
import { randomInt } from 'node:crypto';
import { requireModel } from './catalog.ts';
import type { CoreContext, CoreResult } from './context.ts';
import { drawGirls } from './draw.ts';
import { UserError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';
import { seedGirl, type Girl } from './girl.ts';
import { LIMITS, intInRange } from './limits.ts';
import { labeledGridPng } from './pictures.ts';
import { keepOwnInEmptySets, mergeTags, resolveTags } from './tags-input.ts';
import { toLargestSize } from './tile-size.ts';

export interface RestyleRequest {
  /** Columns: favourites first. */
  girls: Girl[];
  /** Exactly this many columns: the first girls, filled with random ones (the original filled to 10). */
  columns?: number;
  /** Rows: one tag text per row. */
  tagSets: string[];
  columnLabels?: string[];
  seed?: number;
  /**
   * Keep each girl's own tags in the groups a row does not name (default true: "smile"
   * keeps a blonde blonde); false: each row is its tags, with only the required groups
   * (hair colour, eyes, mouth…) it leaves empty taken from her: her extras go.
   */
  keep?: boolean;
}

export interface RestyleResult extends CoreResult {
  /** Each row's tags as parsed (in the first column's model), for replies: never the typed text. */
  rowNames: string[][];
  /** The seeds of the random columns, in order (empty when the girls fill every column). */
  randomSeeds: number[];
}

export async function restyle(ctx: CoreContext, req: RestyleRequest): Promise<RestyleResult> {
  if (req.tagSets.length === 0) throw new UserError('unknown_tags', 'Give at least one tag set to restyle with.', errorDetail('restyle.no_tags'));
  if (req.tagSets.length > LIMITS.restyleRows.max) {
    throw new UserError(
      'bad_number',
      `At most ${LIMITS.restyleRows.max} tag sets at once (got ${req.tagSets.length}).`,
      errorDetail('restyle.rows', { max: LIMITS.restyleRows.max, count: req.tagSets.length }),
    );
  }
  if (req.columns !== undefined) intInRange(req.columns, { min: 1, max: LIMITS.restyleColumns.max }, 'The number of columns');
  // columns:2 with seven favourites shows the first two, as asked.
  const columns = req.columns ?? req.girls.length;
  if (columns === 0) throw new UserError('bad_number', 'Restyle needs at least one girl.', errorDetail('restyle.no_girls'));
  if (columns > LIMITS.restyleColumns.max)
    throw new UserError(
      'bad_number',
      `At most ${LIMITS.restyleColumns.max} girls at once.`,
      errorDetail('restyle.columns', { max: LIMITS.restyleColumns.max }),
    );
  // Random columns come from the first girl's model, so that they sit in her z space.
  const model = requireModel(ctx.catalog, req.girls[0]?.modelId);
  const base = req.seed ?? randomInt(0, 0xffffffff - LIMITS.restyleColumns.max);
  const girls: Girl[] = req.girls.slice(0, columns);
  const labels = (req.columnLabels ?? req.girls.map((g, i) => (g.seed !== undefined ? `seed ${g.seed}` : `#${i + 1}`))).slice(0, columns);
  const randomSeeds: number[] = [];
  for (let i = girls.length; i < columns; i++) {
    const seed = (base + i) >>> 0;
    randomSeeds.push(seed);
    // A random column is gacha tile `seed` with no tags asked: her groups filled per seed.
    girls.push(seedGirl(model, seed, new Float32Array(model.vocabulary.size), { randomFill: true }));
    labels.push(`seed ${seed}`);
  }
  // Each column keeps its own model; the tag text is read once in each model's vocabulary.
  const modelIds = [...new Set(girls.map((g) => g.modelId))];
  const parsed = req.tagSets.map((text) => new Map(modelIds.map((id) => [id, resolveTags(requireModel(ctx.catalog, id), text)])));
  const rows = parsed.map((byModel) =>
    girls.map((g) => {
      const row = byModel.get(g.modelId)!;
      return {
        ...g,
        tags:
          req.keep === false
            ? keepOwnInEmptySets(requireModel(ctx.catalog, g.modelId), g.tags, row.vector)
            : mergeTags(requireModel(ctx.catalog, g.modelId), g.tags, row.names),
      };
    }),
  );
  // Columns from models of different sizes are drawn each by her own model, then brought to one size.
  const images = toLargestSize(await drawGirls(ctx, rows.flat()));
  const grid = rows.map((_, r) => images.slice(r * columns, (r + 1) * columns));
  const rowNames = parsed.map((byModel) => byModel.get(girls[0]!.modelId)!.names);
  const rowLabels = rowNames.map((names) => names.join(', ') || '(no tags)');
  const picture = await labeledGridPng(ctx, 'restyle.png', grid, { rowLabels, colLabels: labels, numbers: true });
  return { attachments: [picture], girls: rows.flat(), rowNames, randomSeeds };
}
