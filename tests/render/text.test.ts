import { describe, expect, it } from 'vitest';
import { cleanLabel, escapeXml, estimateWidthEm, truncateToWidth, wrapToLines } from '../../src/render/text.ts';

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
});
