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
