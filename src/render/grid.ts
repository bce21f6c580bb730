/**
 * `renderGrid`: the gacha/favourites picture — tiles in columns, optional number badges,
 * captions and a title line.
 */
import { composeCanvas, encodePng, type Compression } from './compose.ts';
import { RenderError } from './errors.ts';
import { defaultColumns, tableLayout, type TableLayout } from './layout.ts';
import { commonSize, type RawImage } from './raw-image.ts';
import { MAX_TILES, GUTTER_PX, TITLE_FONT_PX, captionFontPx, defaultTileSize, lineBandPx } from './style.ts';
import { badgeLabel, textLabel, titleLabel, type Label } from './svg-labels.ts';

export interface GridOptions {
  /** Default ceil(sqrt(n)). */
  columns?: number;
  /** Display width of a tile in px; default 2× for tiles ≤ 64 px, else their own width. */
  tileSize?: number;
  /** Draw 1…n in each tile's top-left corner. */
  numbers?: boolean;
  /** Short text under each tile ('' for none); length must equal the number of tiles. */
  captions?: readonly string[];
  title?: string;
  compression?: Compression;
}

export function displaySize(tile: { width: number; height: number }, tileSize: number | undefined): { w: number; h: number } {
  const w = tileSize ?? defaultTileSize(tile.width);
  if (!Number.isInteger(w) || w < 8 || w > 1024) throw new RenderError('bad_layout', `tile size must be 8–1024 px, got ${w}`);
  return { w, h: Math.round((w * tile.height) / tile.width) };
}

export function checkCount(n: number, what: string): void {
  if (n > MAX_TILES) throw new RenderError('too_many_images', `At most ${MAX_TILES} ${what}s fit in one picture (got ${n}).`);
}

export function checkLabels(labels: readonly string[] | undefined, n: number, what: string): void {
  if (labels !== undefined && labels.length !== n) {
    throw new RenderError('bad_layout', `${labels.length} ${what}s for ${n} images`);
  }
}

/** The geometry renderGrid will use, for callers that need to know it (and for tests). */
export function gridLayout(tiles: readonly RawImage[], opts: GridOptions = {}): TableLayout {
  const size = commonSize(tiles);
  checkCount(tiles.length, 'tile');
  const cols = opts.columns ?? defaultColumns(tiles.length);
  if (!Number.isInteger(cols) || cols < 1) throw new RenderError('bad_layout', `columns must be a positive integer, got ${cols}`);
  const { w, h } = displaySize(size, opts.tileSize);
  return tableLayout({
    rows: Math.ceil(tiles.length / cols),
    cols: Math.min(cols, tiles.length),
    count: tiles.length,
    cellW: w,
    cellH: h,
    gutter: GUTTER_PX,
    captionPx: opts.captions ? lineBandPx(captionFontPx(w)) : 0,
    titlePx: opts.title ? lineBandPx(TITLE_FONT_PX) : 0,
  });
}

/** PNG of the tiles as a numbered/captioned grid. */
export async function renderGrid(tiles: readonly RawImage[], opts: GridOptions = {}): Promise<Buffer> {
  const layout = gridLayout(tiles, opts);
  checkLabels(opts.captions, tiles.length, 'caption');
  const labels: Label[] = [];
  const add = (l: Label | null) => l && labels.push(l);
  if (layout.title && opts.title) add(titleLabel(layout.title, opts.title, TITLE_FONT_PX));
  layout.cells.forEach((cell, i) => {
    if (opts.numbers) add(badgeLabel(cell, String(i + 1)));
    const caption = opts.captions?.[i];
    if (caption) add(textLabel(layout.captions[i]!, caption, { fontPx: captionFontPx(cell.w) }));
  });
  const canvas = await composeCanvas(
    layout.width,
    layout.height,
    tiles.map((image, i) => ({ image, box: layout.cells[i]! })),
    labels,
  );
  return encodePng(canvas, opts.compression);
}
