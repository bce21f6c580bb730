import { describe, expect, it } from 'vitest';
import { cleanLabel, escapeXml, estimateWidthEm, truncateToWidth, wrapToLines } from '../../src/render/text.ts';

const words = (lines: string[]) => lines.join(' ').replace(/_ /g, '_');

describe('label text', () => {
  it('GIVEN XML specials THEN they are escaped', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });

  it('GIVEN control characters THEN they become spaces', () => {
    expect(cleanLabel('a\nb\u0000c ')).toBe('a b c');
  });

  it('GIVEN CJK THEN it counts about twice as wide as Latin', () => {
    expect(estimateWidthEm('金髪')).toBeGreaterThan(estimateWidthEm('ab') * 1.5);
  });

  it('GIVEN text wider than the box THEN it is cut with an ellipsis that fits', () => {
    const t = truncateToWidth('blonde_hair, blue_eyes, twintails', 12, 100);
    expect(t.endsWith('…')).toBe(true);
    expect(estimateWidthEm(t) * 12).toBeLessThanOrEqual(100);
    expect(truncateToWidth('short', 12, 100)).toBe('short');
  });

  it('GIVEN a long tag list THEN it wraps at commas into at most N lines', () => {
    const lines = wrapToLines('black hair, long hair, earrings, freckles, hair flower, glasses', 12, 120, 3);
    expect(lines.length).toBe(3);
    for (const l of lines) expect(estimateWidthEm(l) * 12).toBeLessThanOrEqual(120);
    expect(lines[0]).toBe('black hair, long');
    expect(lines[2]!.endsWith('…')).toBe(true);
    expect(wrapToLines('red hair', 12, 120, 3)).toEqual(['red hair']);
  });

  it('GIVEN tag names in a narrow column THEN it breaks at ", " first, then after underscores, never inside a word part', () => {
    // 60 px at 13 px: "red_hair," (≈65 px) does not fit on a line of its own.
    const lines = wrapToLines('red_hair, blue_eyes', 13, 60, 4);
    expect(lines).toEqual(['red_', 'hair,', 'blue_', 'eyes']);
    for (const l of lines) expect(estimateWidthEm(l) * 13).toBeLessThanOrEqual(60);
    // Where a whole tag fits, tags stay whole and the line breaks at ", ".
    expect(wrapToLines('red_hair, blue_eyes', 13, 75, 4)).toEqual(['red_hair,', 'blue_eyes']);
    expect(wrapToLines('blonde_hair, blue_eyes, smile', 13, 120, 4)).toEqual(['blonde_hair,', 'blue_eyes, smile']);
  });

  it('GIVEN a word with no underscore longer than a line THEN only then is it cut between characters', () => {
    const lines = wrapToLines('supercalifragilistic', 12, 60, 4);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe('supercalifragilistic');
    for (const l of lines) expect(estimateWidthEm(l) * 12).toBeLessThanOrEqual(60);
  });

  it('GIVEN more lines than allowed after underscore breaks THEN the last line joins the rest back without spaces and is cut', () => {
    const lines = wrapToLines('long_hair_style', 12, 60, 2);
    // Lines 'long_' / 'hair_' / 'style': the last kept line is 'hair_' + 'style' cut, with no space between.
    expect(lines).toEqual(['long_', 'hair_s…']);
    expect(words(wrapToLines('long_hair_style', 12, 50, 5))).toBe('long_hair_style');
  });
});

/** Issue 30 item 7: what users write, drawn in pictures. */
describe('user text in labels', () => {
  it('GIVEN bidi controls and zero-width characters THEN they are removed, so an unclosed U+202E cannot reverse the label', () => {
    expect(cleanLabel('\u202Eevil\u200B na\u2066me\uFEFF\u200F')).toBe('evil name');
    expect(cleanLabel('#4 \u202Ereversed')).toBe('#4 reversed');
  });

  it('GIVEN ZWJ emoji, flags and skin tones THEN each becomes one glyph a monochrome font has', () => {
    expect(cleanLabel('👩‍👩‍👧 family')).toBe('👩 family');
    expect(cleanLabel('Yuki🇯🇵')).toBe('Yuki[JP]');
    expect(cleanLabel('👍🏽 ok')).toBe('👍 ok');
    expect(cleanLabel('🏴󠁧󠁢󠁳󠁣󠁴󠁿')).toBe('🏴');
  });

  it('GIVEN combining marks THEN they stay on their letter, none is left without one (no ◌), and no tower grows', () => {
    expect(cleanLabel('e\u0301')).toBe('\u00e9');
    expect(cleanLabel('\u0301abc')).toBe('abc');
    expect(cleanLabel('#2 \u0301x')).toBe('#2 x');
    expect([...cleanLabel('a\u0301\u0302\u0303\u0304\u0305\u0306 zalgo')].filter((c) => /\p{M}/u.test(c)).length).toBe(2);
  });

  it('GIVEN text cut between characters THEN the cut falls between graphemes, never between a letter and its accent', () => {
    const s = 'x\u0323\u0301'.repeat(30);
    for (const line of wrapToLines(s, 12, 60, 3)) expect(line).not.toMatch(/^\p{M}/u);
    const cut = truncateToWidth(s, 12, 60);
    expect(cut).toMatch(/^(x\u0323\u0301)+…$/u);
  });

  it('GIVEN a long tag list as a title THEN the last line is cut after a whole tag, with "…"', () => {
    const tags =
      'blonde_hair, blue_eyes, smile, long_hair, twintails, ahoge, glasses, earrings, hair_flower, freckles, open_mouth, short_hair, black_hair, red_eyes, green_eyes, pink_hair, white_hair, ponytail, hat, drill_hair, aqua_eyes, brown_hair';
    const lines = wrapToLines(`seeds 1228307042–1228307050 · ${tags}`, 16, 388, 6, true);
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatch(/, …$/);
    expect(tags.split(', ')).toContain(lines[5]!.replace(/, …$/, '').split(', ').at(-1));
  });

  it('GIVEN wide capitals THEN the estimate is at least DejaVu’s advance (W is 0.99 em, 1.10 em bold)', () => {
    expect(estimateWidthEm('W'.repeat(32))).toBeGreaterThanOrEqual(32 * 0.988);
    expect(estimateWidthEm('W'.repeat(32), true)).toBeGreaterThanOrEqual(32 * 1.103);
  });
});

describe('widths of letters beyond Latin (issue 30 item 7)', () => {
  it('GIVEN a family emoji of four people THEN it is still one emoji, not four', () => {
    expect(cleanLabel('👨‍👩‍👧‍👦')).toBe('👨');
  });

  it('GIVEN 32 conjoining jamo (one grapheme) THEN they can still be cut', () => {
    const cut = truncateToWidth('\u1100'.repeat(32), 13, 120);
    expect(cut.endsWith('…')).toBe(true);
    expect(estimateWidthEm(cut) * 13).toBeLessThanOrEqual(120);
  });
});
