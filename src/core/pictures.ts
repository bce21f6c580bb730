/** Rendering helpers shared by the operations: PNG grids kept under the upload limit. */
import { DISCORD_ATTACHMENT_LIMIT_BYTES, fitUnderLimit, renderGrid, renderLabeledGrid, renderStrip, defaultTileSize } from '../render/index.ts';
import { formatBytes } from '../render/size-guard.ts';
import { errorDetail } from '../latent/errors.ts';
import type { GridOptions, LabeledGridOptions, StripOptions } from '../render/index.ts';
import type { RawImage } from '../render/raw-image.ts';
import type { Attachment, CoreContext } from './context.ts';
import { UserError } from './errors.ts';

type Renderer = (tileSize: number, compression: 'default' | 'strong') => Promise<Buffer>;

async function fit(ctx: CoreContext, tilePx: number, render: Renderer, tileSize?: number): Promise<Buffer> {
  const limit = ctx.attachmentLimitBytes ?? DISCORD_ATTACHMENT_LIMIT_BYTES;
  const r = await fitUnderLimit((s) => render(s.tileSize, s.compression), limit, { tileSize: tileSize ?? defaultTileSize(tilePx) });
  if (!r.ok) {
    throw new UserError('too_large', r.message, errorDetail('picture.too_large', { smallest: formatBytes(r.smallestBytes), limit: formatBytes(r.limitBytes) }));
  }
  return r.buffer;
}

export async function gridPng(ctx: CoreContext, name: string, tiles: RawImage[], opts: GridOptions): Promise<Attachment> {
  const data = await fit(ctx, tiles[0]!.width, (tileSize, compression) => renderGrid(tiles, { ...opts, tileSize, compression }), opts.tileSize);
  return { name, data, contentType: 'image/png' };
}

export async function stripPng(ctx: CoreContext, name: string, frames: RawImage[], opts: StripOptions): Promise<Attachment> {
  const data = await fit(ctx, frames[0]!.width, (tileSize, compression) => renderStrip(frames, { ...opts, tileSize, compression }), opts.tileSize);
  return { name, data, contentType: 'image/png' };
}

export async function labeledGridPng(ctx: CoreContext, name: string, rows: RawImage[][], opts: LabeledGridOptions): Promise<Attachment> {
  const data = await fit(ctx, rows[0]![0]!.width, (tileSize, compression) => renderLabeledGrid(rows, { ...opts, tileSize, compression }), opts.tileSize);
  return { name, data, contentType: 'image/png' };
}
