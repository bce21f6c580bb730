/**
 * Text helpers for SVG labels: escaping, cleaning what users wrote into something the label
 * fonts draw, and width estimates so labels can be shortened without a font-metrics round
 * trip (measuring through pango costs ~1 ms per label). Text is cut between grapheme
 * clusters (Intl.Segmenter), never inside an emoji sequence or between a letter and its accent.
 */

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

/** User-perceived characters: a letter with its accents, an emoji with its modifiers and joiners, a flag. */
export function graphemes(s: string): string[] {
  return Array.from(segmenter.segment(s), (x) => x.segment);
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
    out = out.split('\u200d')[0]!.replace(/[\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}\u200c]/gu, '');
  }
  const [base, ...rest] = [...out];
  if (base === undefined || /\p{M}/u.test(base)) return '';
  if (/\s/u.test(base)) return base;
  let marks = 0;
  return base + rest.filter((c) => !/\p{M}/u.test(c) || ++marks <= MAX_MARKS).join('');
}

/**
 * A label as it will be drawn: one line (control characters become spaces), composed (NFC),
 * no hidden format characters, every grapheme in a form the label fonts draw whole.
 */
export function cleanLabel(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this pattern looks for
  const oneLine = stripHiddenFormat(s.normalize('NFC')).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return graphemes(oneLine).map(drawableGrapheme).join('').trim();
}

/** True for characters drawn about 1 em wide: CJK, kana, full-width forms, symbols and emoji. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2190 && cp <= 0x2bff) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x1f000
  );
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
const asciiEm = (table: string) => table.split(' ').map((n) => Number(n) / 100);
const ASCII_EM = { regular: asciiEm(ASCII_WIDTHS.regular), bold: asciiEm(ASCII_WIDTHS.bold) };

/** The older rough guess, kept as a floor so that lines which fitted before still fit the same way. */
function roughAsciiEm(ch: string): number {
  if (ch === ' ' || ch === '.' || ch === ',' || ch === 'i' || ch === 'l' || ch === '|') return 0.34;
  if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === 'm' || ch === 'w') return 0.72;
  return 0.62;
}

/** Width of one grapheme in em: its first code point's; accents and joiners add nothing. */
function graphemeEm(g: string, bold: boolean): number {
  const cp = g.codePointAt(0)!;
  if (cp >= 0x20 && cp <= 0x7e) return Math.max(roughAsciiEm(g[0]!), ASCII_EM[bold ? 'bold' : 'regular'][cp - 0x20]!);
  if (isWide(cp)) return 1;
  if (/\p{M}|\p{Cf}/u.test(g[0]!)) return 0;
  // Other letters (accented Latin, Cyrillic, Greek, …): DejaVu draws most within 0.8 em, bold within 0.9.
  return bold ? 0.9 : 0.8;
}

/**
 * Estimated advance width in em of a cleaned label. Estimates err on the wide side so that
 * text cut by them never overflows; `bold` for titles, whose glyphs are wider.
 */
export function estimateWidthEm(s: string, bold = false): number {
  let w = 0;
  for (const g of graphemes(s)) w += graphemeEm(g, bold);
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
  const widthEm = (gs: readonly string[]) => gs.reduce((w, g) => w + graphemeEm(g, bold), 0);
  while (kept.length > 0 && (widthEm(kept) + ellipsisEm) * fontPx > maxPx) kept.pop();
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
