import { describe, expect, it } from 'vitest';
import { hasJapaneseFont, labelFontCoverage, missingFontsMessage } from '../../src/render/fonts.ts';

describe('hasJapaneseFont', () => {
  it('GIVEN any machine THEN it answers true, false or null (no fontconfig) without throwing, and caches', async () => {
    const first = hasJapaneseFont();
    expect(hasJapaneseFont()).toBe(first);
    expect([true, false, null]).toContain(await first);
  });
});

describe('label font check at start-up', () => {
  const fc = (answers: Record<string, string | null>) => async (pattern: string) => {
    const key = Object.keys(answers).find((k) => pattern.includes(k));
    return key === undefined ? '' : answers[key]!;
  };

  it('GIVEN only DejaVu THEN one line naming both missing packages', async () => {
    const c = await labelFontCoverage(fc({ '306f': '', '2b50': '' }));
    expect(c).toEqual({ japanese: false, emoji: false, colourEmoji: [] });
    const m = missingFontsMessage(c)!;
    expect(m.split('\n')).toHaveLength(1);
    expect(m).toMatch(/Japanese.*fonts-ipafont-gothic.*emoji.*fonts-symbola/);
  });

  it('GIVEN a Japanese and a monochrome emoji font THEN nothing to say', async () => {
    const c = await labelFontCoverage(fc({ '306f': 'IPAGothic\n', 'color=True': '', '2b50': 'Symbola\n' }));
    expect(missingFontsMessage(c)).toBeUndefined();
  });

  it('GIVEN a colour emoji font too THEN it says emoji will be blank and what to remove', async () => {
    const c = await labelFontCoverage(fc({ '306f': 'IPAGothic\n', 'color=True': 'Noto Color Emoji\n', '2b50': 'Symbola\n' }));
    expect(c.colourEmoji).toEqual(['Noto Color Emoji']);
    expect(missingFontsMessage(c)).toMatch(/Noto Color Emoji.*blank.*fonts-noto-color-emoji/);
  });

  it('GIVEN no fc-list THEN it says it cannot check', async () => {
    expect(missingFontsMessage(await labelFontCoverage(async () => null))).toMatch(/cannot check/);
  });

  it('GIVEN this machine (set up as the README says) THEN its fonts cover Japanese and emoji', async () => {
    expect(await labelFontCoverage()).toEqual({ japanese: true, emoji: true, colourEmoji: [] });
  });
});
