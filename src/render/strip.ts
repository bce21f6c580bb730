/**
 * `renderStrip`: frames in order with a step label under each — the picture of a morph
 * (tags A → B) or a blend (z of favourite 1 → favourite 2). Long strips wrap into rows of
 * at most 8 frames, so Discord's preview does not shrink 16 frames to thumbnails.
 */
import type { Compression } from './compose.ts';
import { checkLabels, gridLayout, renderGrid, type GridOptions } from './grid.ts';
import type { TableLayout } from './layout.ts';
import type { RawImage } from './raw-image.ts';

/** Most frames in one row of a strip. */
export const STRIP_MAX_COLUMNS = 8;

export interface StripOptions {
  /** One per frame; default "1/n" … "n/n". */
  labels?: readonly string[];
  tileSize?: number;
  title?: string;
  /** Draw 1…n in each frame's top-left corner (frames that tile buttons refer to). */
  numbers?: boolean;
  compression?: Compression;
}

export function stepLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${i + 1}/${n}`);
}

/** Columns of a strip of n frames: one row up to 8, else rows as even as possible of ≤ 8. */
export function stripColumns(n: number): number {
  const rows = Math.ceil(Math.max(1, n) / STRIP_MAX_COLUMNS);
  return Math.ceil(Math.max(1, n) / rows);
}

function gridOptions(frames: readonly RawImage[], opts: StripOptions): GridOptions {
  return {
    columns: stripColumns(frames.length),
    captions: opts.labels ?? stepLabels(frames.length),
    ...(opts.tileSize !== undefined ? { tileSize: opts.tileSize } : {}),
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.numbers ? { numbers: true } : {}),
    ...(opts.compression !== undefined ? { compression: opts.compression } : {}),
  };
}

/** The geometry renderStrip will use. */
export function stripLayout(frames: readonly RawImage[], opts: StripOptions = {}): TableLayout {
  return gridLayout(frames, gridOptions(frames, opts));
}

/** PNG strip: rows of up to 8 frames, a label under each. */
export async function renderStrip(frames: readonly RawImage[], opts: StripOptions = {}): Promise<Buffer> {
  checkLabels(opts.labels, frames.length, 'label');
  return renderGrid(frames, gridOptions(frames, opts));
}
