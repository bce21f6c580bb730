/**
 * SVG fragments for every label, gathered into one overlay per picture: librsvg then
 * rasterises all the text of a grid in one pass (≈2–4 ms for a 9-tile grid with
 * captions here), instead of one sharp pipeline per label.
 */
import type { Box } from './layout.ts';
import { FONT_FAMILY, MUTED_TEXT_HEX, TEXT_HEX, badgeFontPx } from './style.ts';
import { cleanLabel, escapeXml, estimateWidthEm, truncateToWidth, wrapToLines } from './text.ts';

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
export function badgeSvg(tile: Box, label: string): string {
  const fontPx = badgeFontPx(tile.w);
  const padX = Math.round(fontPx * 0.35);
  const h = Math.round(fontPx * 1.4);
  const w = Math.max(h, Math.ceil(estimateWidthEm(label) * fontPx + 2 * padX));
  const inset = Math.max(2, Math.round(tile.w / 48));
  const x = tile.x + inset;
  const y = tile.y + inset;
  return (
    `<rect x="${x + 0.5}" y="${y + 0.5}" width="${w}" height="${h}" rx="${Math.round(h / 3)}" ` +
    `fill="#000" fill-opacity="0.66" stroke="#fff" stroke-opacity="0.9" stroke-width="1"/>` +
    `<text x="${x + 0.5 + w / 2}" y="${baseline(y + 0.5 + h / 2, fontPx)}" ${textAttrs(fontPx, '#fff', 'bold', 'middle')}>` +
    `${escapeXml(label)}</text>`
  );
}

export interface TextOptions {
  fontPx: number;
  align?: 'start' | 'middle';
  fill?: string;
  bold?: boolean;
  /** Lines to wrap into; 1 truncates with "…". */
  maxLines?: number;
}

/** Text fitted into `box` (wrapped or truncated by estimated width), centred vertically. */
export function textSvg(box: Box, raw: string, opts: TextOptions): string {
  const text = cleanLabel(raw);
  if (text.length === 0 || box.h <= 0) return '';
  const { fontPx } = opts;
  const pad = 2;
  const maxPx = box.w - 2 * pad;
  const maxLines = Math.max(1, Math.min(opts.maxLines ?? 1, Math.floor(box.h / (fontPx * 1.2))));
  const lines = maxLines === 1 ? [truncateToWidth(text, fontPx, maxPx)] : wrapToLines(text, fontPx, maxPx, maxLines);
  const align = opts.align ?? 'middle';
  const x = align === 'middle' ? box.x + box.w / 2 : box.x + pad;
  const lineH = fontPx * 1.2;
  const firstMid = box.y + box.h / 2 - ((lines.length - 1) * lineH) / 2;
  const attrs = textAttrs(fontPx, opts.fill ?? MUTED_TEXT_HEX, opts.bold ? 'bold' : 'normal', align);
  return lines
    .map((line, i) => `<text x="${x}" y="${baseline(firstMid + i * lineH, fontPx)}" ${attrs}>${escapeXml(line)}</text>`)
    .join('');
}

export function titleSvg(box: Box, title: string, fontPx: number): string {
  return textSvg(box, title, { fontPx, align: 'start', fill: TEXT_HEX, bold: true });
}

/** The whole label layer of a picture, or null when there is nothing to draw. */
export function overlaySvg(width: number, height: number, parts: string[]): Buffer | null {
  const body = parts.join('');
  if (body.length === 0) return null;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);
}
