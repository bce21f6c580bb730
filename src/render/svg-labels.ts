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

/** Text fitted into `box` (wrapped or truncated by estimated width), centred vertically; null when empty. */
export function textLabel(box: Box, raw: string, opts: TextOptions): Label | null {
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
  const svg = lines.map((line, i) => `<text x="${x}" y="${baseline(firstMid + i * lineH, fontPx)}" ${attrs}>${escapeXml(line)}</text>`).join('');
  return { x: box.x - m, y: box.y - m, w: box.w + 2 * m, h: box.h + 2 * m, svg };
}

export function titleLabel(box: Box, title: string, fontPx: number, maxLines = 1): Label | null {
  return textLabel(box, title, { fontPx, align: 'start', fill: TEXT_HEX, bold: true, maxLines });
}
