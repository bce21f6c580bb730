/**
 * Every label of a picture as a small SVG of its own box ("sprite"): a number badge, a
 * caption, a title, a row or column label. Each is drawn at the origin of its own
 * viewport, so the same text at the same size gives the same SVG wherever it sits, and
 * label-cache.ts rasterises it once and reuses the pixels (the badges "1"…"25" of every
 * grid, the "1/7"… of every strip, tag captions that repeat).
 */
import type { Box } from './layout.ts';
import { FONT_FAMILY, MUTED_TEXT_HEX, TEXT_HEX, badgeFontPx } from './style.ts';
import { cleanLabel, escapeXml, estimateWidthEm, truncateToWidth, wrapToLines } from './text.ts';
import { titlePieces } from './title-pieces.ts';

/**
 * A label to draw: `svg` is SVG content for a `w × h` viewport whose top-left corner goes
 * to (x, y) on the canvas; what falls outside the viewport is clipped.
 */
export interface Label {
  x: number;
  y: number;
  w: number;
  h: number;
  svg: string;
}

/** Room around a text box's sprite, so glyphs that overhang the box (accents, descenders) are kept. */
const TEXT_MARGIN_PX = 2;

/** Baseline that centres one line of `fontPx` text vertically on `midY` (DejaVu: cap ≈0.73 em). */
function baseline(midY: number, fontPx: number): number {
  return Math.round((midY + fontPx * 0.36) * 10) / 10;
}

function textAttrs(fontPx: number, fill: string, weight: 'normal' | 'bold', anchor: 'start' | 'middle' | 'end'): string {
  return `font-family="${escapeXml(FONT_FAMILY)}" font-size="${fontPx}" font-weight="${weight}" fill="${fill}" text-anchor="${anchor}"`;
}

/**
 * Number badge in the top-left corner of a tile: white bold digits on a dark translucent
 * plate with a light rim. Dark plate reads on light hair and backgrounds, the light rim
 * separates it from dark ones, so the number is legible on any tile.
 */
export function badgeLabel(tile: Box, label: string): Label {
  const fontPx = badgeFontPx(tile.w);
  const padX = Math.round(fontPx * 0.35);
  const h = Math.round(fontPx * 1.4);
  const w = Math.max(h, Math.ceil(estimateWidthEm(label, true) * fontPx + 2 * padX));
  const inset = Math.max(2, Math.round(tile.w / 48));
  // The plate sits half a pixel in so its 1 px rim covers whole pixels: w + 1 by h + 1.
  const svg =
    `<rect x="0.5" y="0.5" width="${w}" height="${h}" rx="${Math.round(h / 3)}" ` +
    `fill="#000" fill-opacity="0.66" stroke="#fff" stroke-opacity="0.9" stroke-width="1"/>` +
    `<text x="${0.5 + w / 2}" y="${baseline(0.5 + h / 2, fontPx)}" ${textAttrs(fontPx, '#fff', 'bold', 'middle')}>` +
    `${escapeXml(label)}</text>`;
  return { x: tile.x + inset, y: tile.y + inset, w: w + 1, h: h + 1, svg };
}

export interface TextOptions {
  fontPx: number;
  align?: 'start' | 'middle';
  fill?: string;
  bold?: boolean;
  /** Lines to wrap into; 1 truncates with "…". */
  maxLines?: number;
}

/** Where the lines of a text label go in its sprite, whose top-left corner is (box.x − m, box.y − m), m = TEXT_MARGIN_PX. */
interface FittedText {
  lines: string[];
  /** The text's anchor x in the sprite. */
  x: number;
  /** Each line's baseline in the sprite. */
  baselines: number[];
  attrs: string;
}

/** `raw` cleaned and fitted into `box` (wrapped or truncated by estimated width), centred vertically; null when empty. */
function fitText(box: Box, raw: string, opts: TextOptions): FittedText | null {
  const text = cleanLabel(raw);
  if (text.length === 0 || box.h <= 0 || box.w <= 0) return null;
  const { fontPx } = opts;
  const pad = 2;
  const maxPx = box.w - 2 * pad;
  const maxLines = Math.max(1, Math.min(opts.maxLines ?? 1, Math.floor(box.h / (fontPx * 1.2))));
  const bold = opts.bold ?? false;
  const lines = maxLines === 1 ? [truncateToWidth(text, fontPx, maxPx, bold)] : wrapToLines(text, fontPx, maxPx, maxLines, bold);
  const align = opts.align ?? 'middle';
  // Drawn in the sprite's own coordinates: the box starts at (m, m).
  const m = TEXT_MARGIN_PX;
  const x = align === 'middle' ? m + box.w / 2 : m + pad;
  const lineH = fontPx * 1.2;
  const firstMid = m + box.h / 2 - ((lines.length - 1) * lineH) / 2;
  const attrs = textAttrs(fontPx, opts.fill ?? MUTED_TEXT_HEX, bold ? 'bold' : 'normal', align);
  return { lines, x, baselines: lines.map((_, i) => baseline(firstMid + i * lineH, fontPx)), attrs };
}

/** Text fitted into `box` (wrapped or truncated by estimated width), centred vertically; null when empty. */
export function textLabel(box: Box, raw: string, opts: TextOptions): Label | null {
  const fit = fitText(box, raw, opts);
  return fit && wholeLabel(box, fit);
}

/** The fitted text as one label over its box and margin. */
function wholeLabel(box: Box, { lines, x, baselines, attrs }: FittedText): Label {
  const m = TEXT_MARGIN_PX;
  const svg = lines.map((line, i) => `<text x="${x}" y="${baselines[i]}" ${attrs}>${escapeXml(line)}</text>`).join('');
  return { x: box.x - m, y: box.y - m, w: box.w + 2 * m, h: box.h + 2 * m, svg };
}

/** Sub-pixel steps a piece's start is rounded to: pango's own placement is as fine (at 1/16 px a title drew up to 18 levels off). */
const PIECE_PHASES = 64;

/**
 * A title: bold, left-aligned, wrapped onto up to `maxLines`. Drawn as pieces that repeat
 * from title to title (title-pieces.ts: each digit, the text between digits), each a label of its own at the
 * sub-pixel place pango gives it in the whole line, so that a new title is mostly cached
 * sprites; a line with a character outside the exact-advance table makes it one label, as
 * textLabel draws it. Empty when there is nothing to draw.
 */
export function titleLabels(box: Box, title: string, fontPx: number, maxLines = 1): Label[] {
  const opts: TextOptions = { fontPx, align: 'start', fill: TEXT_HEX, bold: true, maxLines };
  const fit = fitText(box, title, opts);
  if (!fit) return [];
  const pieces = fit.lines.map((line) => titlePieces(line, fontPx));
  if (pieces.some((p) => p === null)) return [wholeLabel(box, fit)];
  const { x, baselines, attrs } = fit;
  const m = TEXT_MARGIN_PX;
  // A piece's sprite: its line's band, within the title's own sprite (what the whole label clipped to).
  const top0 = box.y - m;
  const right = box.x + box.w + m;
  const bottom = box.y + box.h + m;
  const labels: Label[] = [];
  pieces.forEach((line, i) => {
    const bandTop = top0 + Math.max(0, Math.floor(baselines[i]! - fontPx * 1.1));
    const bandBottom = Math.min(bottom, top0 + Math.ceil(baselines[i]! + fontPx * 0.4));
    const y = Math.round((baselines[i]! - (bandTop - top0)) * 10) / 10;
    for (const piece of line!) {
      const start = box.x - m + x + piece.offsetPx;
      let left = Math.floor(start);
      let phase = Math.round((start - left) * PIECE_PHASES) / PIECE_PHASES;
      if (phase === 1) [left, phase] = [left + 1, 0];
      const w = Math.min(right - (left - m), Math.ceil(phase + piece.widthPx) + 2 * m);
      if (w <= 0) continue;
      const svg = `<text x="${m + phase}" y="${y}" ${attrs}>${escapeXml(piece.text)}</text>`;
      labels.push({ x: left - m, y: bandTop, w, h: bandBottom - bandTop, svg });
    }
  });
  return labels;
}
