/**
 * Text helpers for SVG labels: escaping, and width estimates so labels can be shortened
 * without a font-metrics round trip (measuring through pango costs ~1 ms per label).
 */

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** Control characters would make invalid XML or odd glyphs; labels are one line. */
export function cleanLabel(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this pattern looks for
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** True for characters drawn about 1 em wide: CJK, kana, full-width forms, most emoji. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x1f300
  );
}

/**
 * Estimated advance width in em. DejaVu Sans is a wide face: lower case averages ≈0.6 em,
 * capitals and digits ≈0.68 em; CJK ≈1 em. Estimates err on the wide side so that text
 * cut by them never overflows.
 */
export function estimateWidthEm(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (isWide(cp)) w += 1;
    else if (ch === ' ' || ch === '.' || ch === ',' || ch === 'i' || ch === 'l' || ch === '|') w += 0.34;
    else if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === 'm' || ch === 'w') w += 0.72;
    else w += 0.62;
  }
  return w;
}

/** Cuts `s` (with "…") so that it fits `maxPx` at `fontPx`. */
export function truncateToWidth(s: string, fontPx: number, maxPx: number): string {
  if (estimateWidthEm(s) * fontPx <= maxPx) return s;
  const chars = [...s];
  const ellipsisEm = 1;
  while (chars.length > 0 && (estimateWidthEm(chars.join('')) + ellipsisEm) * fontPx > maxPx) chars.pop();
  return chars.length > 0 ? `${chars.join('').trimEnd()}…` : '';
}

/** Tokens of a label for wrapping: each word with the spaces/commas after it ("red_hair, "). */
export function wrapWords(s: string): string[] {
  return s.split(/(?<=[\s,、])/u).filter((w) => w.length > 0);
}

/**
 * Greedy word wrap into at most `maxLines` lines of `maxPx`. Breaks after spaces and
 * commas first; a word too long for a whole line is broken after its underscores
 * ("red_" / "hair"), and only a piece still too long is cut between characters. The last
 * line is truncated.
 */
export function wrapToLines(s: string, fontPx: number, maxPx: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  const fits = (t: string): boolean => estimateWidthEm(t.trimEnd()) * fontPx <= maxPx;
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
      for (const ch of part) {
        if (!fits(line + ch) && line.length > 0) newLine();
        line += ch;
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
  kept[maxLines - 1] = truncateToWidth(rest, fontPx, maxPx);
  return kept;
}
