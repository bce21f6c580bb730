/** Issue 30 item 7: names drawn in pictures stay inside their box, whatever their letters. */
import { describe, expect, it } from 'vitest';
import { rasterizeLabels, type Sprite } from '../../src/render/label-cache.ts';
import { textLabel, titleLabels } from '../../src/render/svg-labels.ts';

/** Columns of the sprite with any ink (alpha > 0). */
function inkedColumns(s: Sprite): Set<number> {
  const cols = new Set<number>();
  for (let y = 0; y < s.height; y++) for (let x = 0; x < s.width; x++) if (s.data[(y * s.width + x) * 4 + 3]! > 0) cols.add(x);
  return cols;
}

describe('labels of user text', () => {
  const box = { x: 0, y: 0, w: 124, h: 40 };

  it('GIVEN 32 wide capitals centred in a column label THEN nothing is clipped on either side', async () => {
    const label = textLabel(box, 'W'.repeat(32), { fontPx: 13, maxLines: 2 })!;
    const [sprite] = await rasterizeLabels([label]);
    const ink = inkedColumns(sprite!);
    expect(ink.size).toBeGreaterThan(0);
    // The sprite has a 2 px margin around the box: text clipped at its edges would ink them.
    expect(ink.has(0) || ink.has(1)).toBe(false);
    expect(ink.has(sprite!.width - 1) || ink.has(sprite!.width - 2)).toBe(false);
  });

  it('GIVEN a bold title of wide capitals THEN its right edge is not clipped', async () => {
    const box = { x: 0, y: 0, w: 300, h: 24 };
    const labels = titleLabels(box, `Title ${'M'.repeat(40)}`, 16);
    const last = labels[labels.length - 1]!;
    expect(last.svg).toContain('…');
    expect(last.x + last.w).toBeLessThanOrEqual(box.x + box.w + 2); // within the title's own sprite
    const sprites = await rasterizeLabels(labels);
    const ink = inkedColumns(sprites[sprites.length - 1]!);
    expect(ink.has(last.w - 1) || ink.has(last.w - 2)).toBe(false);
  });

  it('GIVEN an unclosed U+202E and a zero-width space in a name THEN the label draws the same as without them', () => {
    const plain = textLabel(box, '#4 evil name', { fontPx: 13 })!;
    expect(textLabel(box, '#4 \u202Eevil\u200B name', { fontPx: 13 })).toEqual(plain);
  });
});

describe('labels of wide letters from every font (issue 30 item 7)', () => {
  // Cyrillic, math letters, roman numerals, a three-em dash, a ligature, cuneiform (a hex box), jamo.
  it.each(['Ж', 'Щ', '𝕎', 'Ⅷ', '⸻', 'ǅ', '𒐫', '\u1100', '—'])('GIVEN 32 × %s centred in a column label THEN nothing is clipped', async (ch) => {
    const label = textLabel({ x: 0, y: 0, w: 124, h: 40 }, ch.repeat(32), { fontPx: 13, maxLines: 2 })!;
    const [sprite] = await rasterizeLabels([label]);
    const ink = inkedColumns(sprite!);
    expect(ink.size).toBeGreaterThan(0);
    expect(ink.has(0) || ink.has(1) || ink.has(sprite!.width - 1) || ink.has(sprite!.width - 2)).toBe(false);
  });
});
