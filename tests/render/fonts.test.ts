import { describe, expect, it } from 'vitest';
import { hasJapaneseFont } from '../../src/render/fonts.ts';

describe('hasJapaneseFont', () => {
  it('GIVEN any machine THEN it answers true, false or null (no fontconfig) without throwing, and caches', async () => {
    const first = hasJapaneseFont();
    expect(hasJapaneseFont()).toBe(first);
    expect([true, false, null]).toContain(await first);
  });
});
