/**
 * Text helpers for SVG labels: escaping, cleaning what users wrote into something the label
 * fonts draw, and width estimates so labels can be shortened without a font-metrics round
 * trip (measuring through pango costs ~1 ms per label). Text is cut between grapheme
 * clusters (Intl.Segmenter), never inside an emoji sequence or between a letter and its accent.
 */
import { GLYPH_WIDTH_RUNS } from './glyph-widths.ts';

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * Invisible format characters that reorder or hide text: bidi embeddings, overrides,
 * isolates and marks (an unclosed U+202E reverses everything after it), zero-width spaces,
 * word joiners, the BOM, soft hyphens. Zero-width (non-)joiners and the tag characters of
 * subdivision flags are kept: emoji sequences and Persian words need them.
 */
const HIDDEN_FORMAT = /(?!\u200c|\u200d|[\u{e0020}-\u{e007f}])\p{Cf}/gu;

/** `s` without HIDDEN_FORMAT characters: what users wrote, as it reads, for messages and pictures alike. */
export function stripHiddenFormat(s: string): string {
  return s.replace(HIDDEN_FORMAT, '');
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Code points that draw nothing of their own: marks, format characters, variation selectors, skin tones. */
const NO_ADVANCE = /[\p{M}\p{Cf}\p{Emoji_Modifier}]/u;

/**
 * Longest cluster kept whole: a Hangul syllable written as jamo (L V T), an emoji sequence
 * once cleanLabel has shortened it. Longer ones (32 conjoining jamo are one grapheme) are cut
 * between their letters, or they could not be cut at all.
 */
const MAX_CLUSTER = 3;

/** User-perceived characters: a letter with its accents, an emoji with its modifiers and joiners, a flag. */
export function graphemes(s: string): string[] {
  const out: string[] = [];
  for (const { segment } of segmenter.segment(s)) {
    const pieces: string[] = [];
    for (const ch of segment) {
      if (pieces.length === 0 || NO_ADVANCE.test(ch)) pieces.push((pieces.pop() ?? '') + ch);
      else pieces.push(ch);
    }
    if (pieces.length > MAX_CLUSTER) out.push(...pieces);
    else out.push(segment);
  }
  return out;
}

/** Accents kept on one letter: enough for any language, not a tower ("Zalgo") into the next line. */
const MAX_MARKS = 2;
const REGIONAL_INDICATOR_A = 0x1f1e6;

/**
 * One grapheme as the label fonts can draw it. They are monochrome (sharp draws colour emoji
 * fonts blank, fonts.ts), and no monochrome font has ZWJ sequences, flags or skin tones: pango
 * would draw those as pieces and boxes. So a ZWJ sequence keeps its first emoji (👩‍👩‍👧 → 👩),
 * a skin tone modifier is dropped (👍🏽 → 👍), a flag becomes its region code (🇯🇵 → [JP]) and
 * a subdivision flag its black flag; marks with no letter to sit on, which pango draws on a
 * dotted circle ◌, are dropped.
 */
function drawableGrapheme(g: string): string {
  const cps = [...g];
  const first = cps[0]!.codePointAt(0)!;
  if (first >= REGIONAL_INDICATOR_A && first <= REGIONAL_INDICATOR_A + 25) {
    const letters = cps.map((c) => String.fromCharCode(65 + c.codePointAt(0)! - REGIONAL_INDICATOR_A)).join('');
    return cps.length === 2 ? `[${letters}]` : letters;
  }
  let out = g;
  if (/\p{Extended_Pictographic}/u.test(out)) {
    out = out.split('\u200d')[0]!.replace(/[\p{Emoji_Modifier}\u{e0020}-\u{e007f}\u200c]/gu, '');
  }
  const [base, ...rest] = [...out];
  if (base === undefined || /\p{M}/u.test(base)) return '';
  if (/\s/u.test(base)) return base;
  let marks = 0;
  return base + rest.filter((c) => !/\p{M}/u.test(c) || ++marks <= MAX_MARKS).join('');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** What cleanLabel changes: controls, format characters, marks, emoji and their modifiers, flags. */
const NEEDS_CLEANING = /[\p{Cc}\p{Cf}\p{M}\p{Extended_Pictographic}\u{1f1e6}-\u{1f1ff}\p{Emoji_Modifier}]/u;

/**
 * A label as it will be drawn: one line (control characters become spaces), composed (NFC),
 * no hidden format characters, every grapheme in a form the label fonts draw whole.
 */
export function cleanLabel(s: string): string {
  // Most labels (tag names, numbers, seeds, Japanese tag names) hold nothing to clean.
  if (PRINTABLE_ASCII.test(s)) return s.trim();
  const composed = s.normalize('NFC');
  if (!NEEDS_CLEANING.test(composed)) return composed.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this pattern looks for
  const oneLine = stripHiddenFormat(composed).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  // Whole clusters from the segmenter: an emoji sequence is shortened here, not split (graphemes() would).
  return Array.from(segmenter.segment(oneLine), (x) => drawableGrapheme(x.segment))
    .join('')
    .trim();
}

/**
 * Advance widths of printable ASCII (U+0020…U+007E) in hundredths of an em rounded up,
 * read from the hmtx tables of DejaVuSans.ttf and DejaVuSans-Bold.ttf (2.37). Bold is up to 12 % wider;
 * "W" is 0.99 em regular and 1.10 em bold.
 */
const ASCII_WIDTHS = {
  regular:
    '32 41 46 84 64 96 78 28 40 40 50 84 32 37 32 34 64 64 64 64 64 64 64 64 64 64 34 34 84 84 84 54 100 69 69 70 78 64 58 78 76 30 30 66 56 87 75 79 61 79 70 64 62 74 69 99 69 62 69 40 34 40 84 50 50 62 64 55 64 62 36 64 64 28 28 58 28 98 64 62 64 64 42 53 40 64 60 82 60 60 53 64 34 64 84',
  bold: '35 46 53 84 70 101 88 31 46 46 53 84 38 42 38 37 70 70 70 70 70 70 70 70 70 70 40 40 84 84 84 59 100 78 77 74 84 69 69 83 84 38 38 78 64 100 84 86 74 86 78 73 69 82 78 111 78 73 73 46 37 46 84 50 50 68 72 60 72 68 44 72 72 35 35 67 35 105 72 69 72 72 50 60 48 72 66 93 65 66 59 72 37 72 84',
};
/** The older rough guess, kept as a floor so that lines which fitted before still fit the same way. */
function roughAsciiEm(ch: string): number {
  if (ch === ' ' || ch === '.' || ch === ',' || ch === 'i' || ch === 'l' || ch === '|') return 0.34;
  if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === 'm' || ch === 'w') return 0.72;
  return 0.62;
}

/** Per printable ASCII character: the larger of DejaVu's advance and the rough guess. */
const asciiEm = (table: string) => table.split(' ').map((n, i) => Math.max(Number(n) / 100, roughAsciiEm(String.fromCharCode(0x20 + i))));
const ASCII_EM = { regular: asciiEm(ASCII_WIDTHS.regular), bold: asciiEm(ASCII_WIDTHS.bold) };

/** Run starts and their widest advances (em), regular and bold, from glyph-widths.ts. */
const RUNS = (() => {
  const starts: number[] = [];
  const regular: number[] = [];
  const bold: number[] = [];
  for (const run of GLYPH_WIDTH_RUNS.split(',')) {
    const [start, r, b] = run.split(' ');
    starts.push(Number.parseInt(start!, 16));
    regular.push(Number(r) / 100);
    bold.push(Number(b) / 100);
  }
  return { starts, regular, bold };
})();
/** Above the table (CJK extensions and beyond): a full-width glyph or a hex box, about 1 em. */
const BEYOND_TABLE_EM = 1;

/** Advance of one code point at or above U+0080, in em, as the label fonts draw it (at most). */
function tableEm(cp: number, bold: boolean): number {
  const { starts } = RUNS;
  if (cp > 0x1ffff) return BEYOND_TABLE_EM;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= cp) lo = mid;
    else hi = mid - 1;
  }
  return (bold ? RUNS.bold : RUNS.regular)[lo]!;
}

/** Widths of the non-ASCII code points seen so far (regex tests and table look-ups are dear per character). */
const nonAsciiEm = { regular: new Map<number, number>(), bold: new Map<number, number>() };

/** Advance of one code point in em: nothing for marks and format characters, else the table's. */
function codePointEm(cp: number, bold: boolean): number {
  if (cp >= 0x20 && cp <= 0x7e) return ASCII_EM[bold ? 'bold' : 'regular'][cp - 0x20]!;
  if (cp < 0x80) return 0;
  const memo = nonAsciiEm[bold ? 'bold' : 'regular'];
  let w = memo.get(cp);
  if (w === undefined) {
    w = NO_ADVANCE.test(String.fromCodePoint(cp)) ? 0 : tableEm(cp, bold);
    if (memo.size < 4096) memo.set(cp, w);
  }
  return w;
}

/**
 * Estimated advance width in em of a cleaned label: the sum over its code points that advance
 * (a letter, not its accents; each jamo of an uncomposed Hangul cluster). Estimates err on the
 * wide side so that text cut by them never overflows; `bold` for titles, whose glyphs are wider.
 */
export function estimateWidthEm(s: string, bold = false): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    w += codePointEm(cp, bold);
  }
  return w;
}

/** Where a line may end before a cut: after a space or a comma (not after an underscore: "red_…" reads as a cut tag). */
const WORD_END = /[\s,、]$/u;

/**
 * Cuts `s` (with "…") so that it fits `maxPx` at `fontPx`: after its last whole word when
 * that keeps at least half of the room ("white_hair, …"), else between graphemes.
 */
export function truncateToWidth(s: string, fontPx: number, maxPx: number, bold = false): string {
  if (estimateWidthEm(s, bold) * fontPx <= maxPx) return s;
  const kept = graphemes(s);
  const ellipsisEm = 1;
  let keptEm = kept.reduce((w, g) => w + estimateWidthEm(g, bold), 0);
  while (kept.length > 0 && (keptEm + ellipsisEm) * fontPx > maxPx) keptEm -= estimateWidthEm(kept.pop()!, bold);
  let wordEnd = kept.length;
  while (wordEnd > 0 && !WORD_END.test(kept[wordEnd - 1]!)) wordEnd--;
  const atWord = `${kept.slice(0, wordEnd).join('').trimEnd()} …`;
  const atWordPx = estimateWidthEm(atWord, bold) * fontPx;
  if (atWord.length > 2 && atWordPx <= maxPx && atWordPx >= maxPx / 2) return atWord;
  return kept.length > 0 ? `${kept.join('').trimEnd()}…` : '';
}

/** Tokens of a label for wrapping: each word with the spaces/commas after it ("red_hair, "). */
export function wrapWords(s: string): string[] {
  return s.split(/(?<=[\s,、])/u).filter((w) => w.length > 0);
}

/**
 * Greedy word wrap into at most `maxLines` lines of `maxPx`. Breaks after spaces and
 * commas first; a word too long for a whole line is broken after its underscores
 * ("red_" / "hair"), and only a piece still too long is cut between graphemes. The last
 * line is truncated.
 */
export function wrapToLines(s: string, fontPx: number, maxPx: number, maxLines: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  const fits = (t: string): boolean => estimateWidthEm(t.trimEnd(), bold) * fontPx <= maxPx;
  // Lines keep their trailing spaces/commas until the end, so that they can be joined back.
  const newLine = () => {
    if (line.trim().length > 0) lines.push(line);
    line = '';
  };
  for (const word of wrapWords(s)) {
    if (fits(line + word)) {
      line += word;
      continue;
    }
    newLine();
    if (fits(word)) {
      line = word;
      continue;
    }
    for (const part of word.split(/(?<=_)/u)) {
      if (fits(line + part)) {
        line += part;
        continue;
      }
      newLine();
      for (const g of graphemes(part)) {
        if (!fits(line + g) && line.length > 0) newLine();
        line += g;
      }
    }
  }
  newLine();
  if (lines.length <= maxLines) return lines.map((l) => l.trimEnd());
  const kept = lines.slice(0, maxLines).map((l) => l.trimEnd());
  const rest = lines
    .slice(maxLines - 1)
    .join('')
    .trimEnd();
  // `rest` holds at least two lines' worth, so it is always cut and ends in "…".
  kept[maxLines - 1] = truncateToWidth(rest, fontPx, maxPx, bold);
  return kept;
}
