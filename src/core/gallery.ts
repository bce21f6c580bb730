/**
 * A captioned grid of girls who may come from different models (a favourites list): each
 * is drawn with her own model; tiles of another size are scaled to the largest, and a
 * girl whose model is not installed (null) gets a plain grey tile.
 */
import type { RawImage } from '../render/raw-image.ts';
import type { Attachment, CoreContext } from './context.ts';
import type { Girl } from './girl.ts';
import { drawGirls } from './draw.ts';
import { gridPng } from './pictures.ts';
import { scaleTo } from './tile-size.ts';

const PLACEHOLDER_GREY = 96;

export async function gallery(ctx: CoreContext, girls: readonly (Girl | null)[], captions: string[], name = 'favourites.png'): Promise<Attachment> {
  const present = girls.filter((g): g is Girl => g !== null);
  const drawn = present.length ? await drawGirls(ctx, present) : [];
  const size = Math.max(...drawn.map((d) => d.width), ctx.catalog.get(ctx.catalog.defaultModelId)?.imageSize ?? 64);
  let k = 0;
  const tiles = girls.map((g) => (g ? scaleTo(drawn[k++]!, size) : blank(size)));
  // One row up to four, else two rows: a list reads left to right, newest first.
  const columns = tiles.length <= 4 ? tiles.length : Math.ceil(tiles.length / 2);
  return gridPng(ctx, name, tiles, { captions, columns });
}

function blank(size: number): RawImage {
  return { width: size, height: size, channels: 3, data: new Uint8Array(size * size * 3).fill(PLACEHOLDER_GREY) };
}
