/**
 * `renderStrip`: frames side by side with a step label under each — the picture of a
 * morph (tags A → B) or a blend (z of favourite 1 → favourite 2).
 */
import type { Compression } from './compose.ts';
import { checkLabels, renderGrid } from './grid.ts';
import type { RawImage } from './raw-image.ts';

export interface StripOptions {
  /** One per frame; default "1/n" … "n/n". */
  labels?: readonly string[];
  tileSize?: number;
  title?: string;
  compression?: Compression;
}

export function stepLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${i + 1}/${n}`);
}

/** PNG strip: one row of frames, a label under each. */
export async function renderStrip(frames: readonly RawImage[], opts: StripOptions = {}): Promise<Buffer> {
  checkLabels(opts.labels, frames.length, 'label');
  return renderGrid(frames, {
    columns: Math.max(1, frames.length),
    captions: opts.labels ?? stepLabels(frames.length),
    ...(opts.tileSize !== undefined ? { tileSize: opts.tileSize } : {}),
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.compression !== undefined ? { compression: opts.compression } : {}),
  });
}
