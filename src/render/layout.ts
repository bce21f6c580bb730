/**
 * Pure geometry of every picture we draw: a table of equal cells with optional bands
 * (title on top, column labels above the first row, row labels at the left, a caption
 * under each cell). All numbers are output pixels; (0,0) is the top-left corner.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TableSpec {
  rows: number;
  cols: number;
  /** Cells actually drawn, row-major; the rest of the last row stays empty. Default rows × cols. */
  count?: number;
  cellW: number;
  cellH: number;
  gutter: number;
  /** Height of the caption band under each cell; 0 for none. */
  captionPx?: number;
  /** Height of the title band; 0 for none. */
  titlePx?: number;
  /** Width of the row-label column at the left; 0 for none. */
  rowLabelPx?: number;
  /** Height of the column-label band above the first row; 0 for none. */
  colLabelPx?: number;
}

export interface TableLayout {
  width: number;
  height: number;
  /** Where each drawn cell's image goes (row-major, `count` of them). */
  cells: Box[];
  /** The band under each drawn cell (h = 0 without captions). */
  captions: Box[];
  title: Box | null;
  rowLabels: Box[];
  colLabels: Box[];
}

export function tableLayout(spec: TableSpec): TableLayout {
  const { rows, cols, cellW, cellH, gutter } = spec;
  const count = spec.count ?? rows * cols;
  const captionPx = spec.captionPx ?? 0;
  const titlePx = spec.titlePx ?? 0;
  const rowLabelPx = spec.rowLabelPx ?? 0;
  const colLabelPx = spec.colLabelPx ?? 0;

  const x0 = gutter + (rowLabelPx > 0 ? rowLabelPx + gutter : 0);
  const y0 = gutter + titlePx + colLabelPx;
  const pitchX = cellW + gutter;
  const pitchY = cellH + captionPx + gutter;
  const width = x0 + cols * pitchX;
  const height = y0 + rows * pitchY;

  const cells: Box[] = [];
  const captions: Box[] = [];
  for (let i = 0; i < count; i++) {
    const x = x0 + (i % cols) * pitchX;
    const y = y0 + Math.floor(i / cols) * pitchY;
    cells.push({ x, y, w: cellW, h: cellH });
    captions.push({ x, y: y + cellH, w: cellW, h: captionPx });
  }
  const rowLabels: Box[] = [];
  if (rowLabelPx > 0) {
    for (let r = 0; r < rows; r++) rowLabels.push({ x: gutter, y: y0 + r * pitchY, w: rowLabelPx, h: cellH });
  }
  const colLabels: Box[] = [];
  if (colLabelPx > 0) {
    for (let c = 0; c < cols; c++) colLabels.push({ x: x0 + c * pitchX, y: gutter + titlePx, w: cellW, h: colLabelPx });
  }
  const title = titlePx > 0 ? { x: gutter, y: gutter, w: width - 2 * gutter, h: titlePx } : null;
  return { width, height, cells, captions, title, rowLabels, colLabels };
}

/** Columns of a grid of `n` tiles: as square as possible, wider than tall when uneven. */
export function defaultColumns(n: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(n)));
}
