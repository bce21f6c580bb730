/**
 * `renderLabeledGrid`: a rows × cols table with a label per row and per column — restyle
 * (seeds as columns, tag sets as rows) and the bilinear blend of 3–4 favourites.
 */
import { composeCanvas, encodePng, type Compression } from './compose.ts';
import { RenderError } from './errors.ts';
import { checkCount, displaySize } from './grid.ts';
import { tableLayout, type TableLayout } from './layout.ts';
import { commonSize, type RawImage } from './raw-image.ts';
import { GUTTER_PX, TEXT_HEX, TITLE_FONT_PX, captionFontPx, lineBandPx } from './style.ts';
import { badgeLabel, textLabel, titleLabels, type Label } from './svg-labels.ts';
import { cleanLabel, estimateWidthEm, wrapWords } from './text.ts';

export interface LabeledGridOptions {
  rowLabels: readonly string[];
  colLabels: readonly string[];
  tileSize?: number;
  title?: string;
  /** Draw 1…n (row by row) in each cell's top-left corner, as the tile buttons count them. */
  numbers?: boolean;
  compression?: Compression;
}

/** Column labels wrap onto a second line when one does not fit ("seed" / "3883648123"). */
const COL_LABEL_LINES = 2;

function colLabelLines(labels: readonly string[], fontPx: number, cellW: number): number {
  const fits = labels.every((l) => estimateWidthEm(cleanLabel(l)) * fontPx <= cellW - 4);
  return fits ? 1 : COL_LABEL_LINES;
}

/**
 * Row-label column width: enough for the longest label on up to 3 lines and for its
 * longest word (so "red_hair," is not broken), between 0.5 and 1.5 tile widths (tag sets
 * such as "blonde hair, blue eyes, smile" wrap).
 */
function rowLabelWidth(labels: readonly string[], fontPx: number, tileW: number): number {
  const px = (s: string) => estimateWidthEm(s) * fontPx;
  const longest = Math.max(0, ...labels.map((l) => px(cleanLabel(l))));
  const longestWord = Math.max(0, ...labels.flatMap((l) => wrapWords(cleanLabel(l)).map((w) => px(w.trimEnd()))));
  // 3 lines plus the 2 × 2 px text padding and slack; a word plus the padding and slack.
  const wanted = Math.max(Math.ceil(longest / 3) + 8, Math.ceil(longestWord) + 6);
  return Math.max(Math.round(tileW / 2), Math.min(Math.round(tileW * 1.5), wanted));
}

export function labeledGridLayout(rows: readonly (readonly RawImage[])[], opts: LabeledGridOptions): TableLayout {
  const nRows = rows.length;
  const nCols = rows[0]?.length ?? 0;
  if (nRows === 0 || nCols === 0) throw new RenderError('no_images', 'There is nothing to draw.');
  rows.forEach((row, r) => {
    if (row.length !== nCols) throw new RenderError('bad_layout', `row ${r + 1} has ${row.length} images, row 1 has ${nCols}`);
  });
  if (opts.rowLabels.length !== nRows) throw new RenderError('bad_layout', `${opts.rowLabels.length} row labels for ${nRows} rows`);
  if (opts.colLabels.length !== nCols) throw new RenderError('bad_layout', `${opts.colLabels.length} column labels for ${nCols} columns`);
  checkCount(nRows * nCols, 'tile');
  const size = commonSize(rows.flat());
  const { w, h } = displaySize(size, opts.tileSize);
  const fontPx = captionFontPx(w);
  return tableLayout({
    rows: nRows,
    cols: nCols,
    cellW: w,
    cellH: h,
    gutter: GUTTER_PX,
    titlePx: opts.title ? lineBandPx(TITLE_FONT_PX) : 0,
    colLabelPx: lineBandPx(fontPx) + (colLabelLines(opts.colLabels, fontPx, w) - 1) * Math.ceil(fontPx * 1.2),
    rowLabelPx: rowLabelWidth(opts.rowLabels, fontPx, w),
  });
}

/** PNG table of `rows` (each the same length) with row and column labels. */
export async function renderLabeledGrid(rows: readonly (readonly RawImage[])[], opts: LabeledGridOptions): Promise<Buffer> {
  const layout = labeledGridLayout(rows, opts);
  const fontPx = captionFontPx(layout.cells[0]!.w);
  const labels: Label[] = [];
  const add = (l: Label | null) => l && labels.push(l);
  if (layout.title && opts.title) labels.push(...titleLabels(layout.title, opts.title, TITLE_FONT_PX));
  layout.colLabels.forEach((box, c) => add(textLabel(box, opts.colLabels[c]!, { fontPx, fill: TEXT_HEX, maxLines: COL_LABEL_LINES })));
  layout.rowLabels.forEach((box, r) => add(textLabel(box, opts.rowLabels[r]!, { fontPx, align: 'start', fill: TEXT_HEX, maxLines: 4 })));
  if (opts.numbers) layout.cells.forEach((cell, i) => add(badgeLabel(cell, String(i + 1))));
  const images = rows.flat();
  const canvas = await composeCanvas(
    layout.width,
    layout.height,
    images.map((image, i) => ({ image, box: layout.cells[i]! })),
    labels,
  );
  return encodePng(canvas, opts.compression);
}
