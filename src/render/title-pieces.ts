/**
 * A title line cut into pieces that repeat from picture to picture, so that the label cache
 * (label-cache.ts) draws a new title without a new SVG pipeline. Every gacha's title is new
 * ("seeds 4810–4818 · blonde_hair, smile"): drawn whole, it cost an SVG rasterisation of
 * 1.9 CPU ms a grid (about 0.2 ms a tile, a seventh of all the bot does outside the generator);
 * cut into single digits and the text between them, each piece is drawn once and reused.
 *
 * Pieces sit where pango would put them in the whole line: librsvg lays a line out with the
 * font's unrounded advances (measured: each glyph of "seeds 1234–1242" starts exactly at the
 * sum of the advances before it), so a piece's start is the sum of the exact DejaVu Sans Bold
 * advances before it. Only code points with a listed exact advance are laid out so; a line
 * with any other (a Japanese tag, an emoji) is drawn whole as before.
 */
import { TITLE_BOLD_ADVANCES } from './glyph-widths.ts';

/** Exact advance in em of each code point a title may be laid out piece by piece with. */
const ADVANCE_EM = new Map<number, number>(
  TITLE_BOLD_ADVANCES.split(',').map((pair) => {
    const [hex, units] = pair.split(' ');
    return [Number.parseInt(hex!, 16), Number(units) / 2048];
  }),
);

/** One piece of a line: its text and where it starts, in px from the line's start. */
export interface TextPiece {
  text: string;
  offsetPx: number;
  /** Its own advance in px. */
  widthPx: number;
}

/** Each digit alone; each run of anything else whole. */
const PIECE = /\d|\D+/gu;

/** Exact advance in em of `text`; undefined when a character of it has none listed. */
function advanceEm(text: string): number | undefined {
  let em = 0;
  for (const ch of text) {
    const advance = ADVANCE_EM.get(ch.codePointAt(0)!);
    if (advance === undefined) return undefined;
    em += advance;
  }
  return em;
}

/**
 * `line` (bold, `fontPx`) cut into pieces worth caching: every digit alone (a seed is new in
 * every title, its digits are not), the text between digits whole ("seeds", "· blonde_hair,
 * smile": pango kerns inside it, "r," closer than the advances say, so it is not cut at its
 * spaces), its leading and trailing spaces only advancing. Null when a character of it has no
 * exact advance here: the caller draws the line whole.
 */
export function titlePieces(line: string, fontPx: number): TextPiece[] | null {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const [run] of line.matchAll(PIECE)) {
    const text = run.trim();
    const lead = run.length - run.trimStart().length;
    const [leadEm, textEm, trailEm] = [run.slice(0, lead), text, run.slice(lead + text.length)].map(advanceEm);
    if (leadEm === undefined || textEm === undefined || trailEm === undefined) return null;
    if (text !== '') pieces.push({ text, offsetPx: at + leadEm * fontPx, widthPx: textEm * fontPx });
    at += (leadEm + textEm + trailEm) * fontPx;
  }
  return pieces;
}
