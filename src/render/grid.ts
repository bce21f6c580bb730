/**
 * `renderGrid`: the gacha/favourites picture — tiles in columns, optional number badges,
 * captions and a title line.
 */
import { composeCanvas, encodePng, type Compression } from './compose.ts';
import { RenderError } from './errors.ts';
import { defaultColumns, tableLayout, type TableLayout } from './layout.ts';
import { commonSize, type RawImage } from './raw-image.ts';
import { MAX_TILES, GUTTER_PX, TITLE_FONT_PX, captionFontPx, defaultTileSize, lineBandPx } from './style.ts';
import { badgeLabel, textLabel, titleLabels, type Label } from './svg-labels.ts';
import { cleanLabel, wrapToLines } from './text.ts';

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

/** Titles and captions wrap onto this many lines before the last one is cut with "…". */
export const TITLE_MAX_LINES = 6;
export const CAPTION_MAX_LINES = 3;

/** Height of a band holding `lines` lines of text at `fontPx`. */
export function linesBandPx(fontPx: number, lines: number): number {
  return lineBandPx(fontPx) + (Math.max(1, lines) - 1) * Math.ceil(fontPx * 1.2);
}

/** How many lines `text` wraps onto in `widthPx` (the label's 2 px padding each side), at most `max`; `bold` for titles. */
export function linesNeeded(text: string, fontPx: number, widthPx: number, max: number, bold = false): number {
  return Math.max(1, wrapToLines(cleanLabel(text), fontPx, widthPx - 4, max, bold).length);
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
  const shownCols = Math.min(cols, tiles.length);
  // Bands grow to the lines their text needs (a long tag list, a 1-tile gacha's seed), up to a limit.
  const titleW = shownCols * (w + GUTTER_PX) - GUTTER_PX;
  const titleLines = opts.title ? linesNeeded(opts.title, TITLE_FONT_PX, titleW, TITLE_MAX_LINES, true) : 0;
  const captionFont = captionFontPx(w);
  const captionLines = Math.max(1, ...(opts.captions ?? []).map((c) => (c ? linesNeeded(c, captionFont, w, CAPTION_MAX_LINES) : 1)));
  return tableLayout({
    rows: Math.ceil(tiles.length / cols),
    cols: shownCols,
    count: tiles.length,
    cellW: w,
    cellH: h,
    gutter: GUTTER_PX,
    captionPx: opts.captions ? linesBandPx(captionFont, captionLines) : 0,
    titlePx: opts.title ? linesBandPx(TITLE_FONT_PX, titleLines) : 0,
  });
}

/** The title, number badges and captions of a grid laid out by gridLayout. */
export function gridLabels(layout: TableLayout, opts: GridOptions): Label[] {
  const labels: Label[] = [];
  const add = (l: Label | null) => l && labels.push(l);
  if (layout.title && opts.title) labels.push(...titleLabels(layout.title, opts.title, TITLE_FONT_PX, TITLE_MAX_LINES));
  layout.cells.forEach((cell, i) => {
    if (opts.numbers) add(badgeLabel(cell, String(i + 1)));
    const caption = opts.captions?.[i];
    if (caption) add(textLabel(layout.captions[i]!, caption, { fontPx: captionFontPx(cell.w), maxLines: CAPTION_MAX_LINES }));
  });
  return labels;
}

/** PNG of the tiles as a numbered/captioned grid. */
export async function renderGrid(tiles: readonly RawImage[], opts: GridOptions = {}): Promise<Buffer> {
  const layout = gridLayout(tiles, opts);
  checkLabels(opts.captions, tiles.length, 'caption');
  const labels = gridLabels(layout, opts);
  const canvas = await composeCanvas(
    layout.width,
    layout.height,
    tiles.map((image, i) => ({ image, box: layout.cells[i]! })),
    labels,
  );
  return encodePng(canvas, opts.compression);
}
