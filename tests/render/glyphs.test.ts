/**
 * Labels with Japanese names and emoji (issue #10, item 1): with only DejaVu installed,
 * pango draws every kana and emoji as a "tofu" hex box. Each character is drawn alone and
 * its ink judged: a hex box is a rectangle whose four edges are solid lines of ink.
 */
import { describe, expect, it } from 'vitest';
import { rasterizeLabels } from '../../src/render/label-cache.ts';
import { textLabel } from '../../src/render/svg-labels.ts';

/** Ink bounding box of a sprite (alpha > 128) and whether all four of its edges are solid. */
async function inkOf(ch: string): Promise<{ ink: number; boxed: boolean }> {
  const label = textLabel({ x: 0, y: 0, w: 80, h: 60 }, ch, { fontPx: 40 })!;
  const [s] = await rasterizeLabels([label]);
  const on = (x: number, y: number) => s!.data[(y * s!.width + x) * 4 + 3]! > 128;
  let x0 = s!.width,
    y0 = s!.height,
    x1 = -1,
    y1 = -1,
    ink = 0;
  for (let y = 0; y < s!.height; y++) {
    for (let x = 0; x < s!.width; x++) {
      if (!on(x, y)) continue;
      ink++;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  if (ink === 0) return { ink, boxed: false };
  const solid = (n: number, f: (i: number) => boolean) => {
    let c = 0;
    for (let i = 0; i < n; i++) if (f(i)) c++;
    return c / n > 0.9;
  };
  // An edge counts as solid when it or the row/column next to it (anti-aliasing) is filled.
  const row = (y: number) => solid(x1 - x0 + 1, (i) => on(x0 + i, y) || on(x0 + i, Math.min(y1, y + 1)) || on(x0 + i, Math.max(y0, y - 1)));
  const col = (x: number) => solid(y1 - y0 + 1, (i) => on(x, y0 + i) || on(Math.min(x1, x + 1), y0 + i) || on(Math.max(x0, x - 1), y0 + i));
  return { ink, boxed: row(y0) && row(y1) && col(x0) && col(x1) };
}

describe('glyphs in labels', () => {
  it('GIVEN a codepoint no font has (U+0378) THEN the detector sees a hex box (the control)', async () => {
    expect((await inkOf('\u0378')).boxed).toBe(true);
  });

  it.each(['は', 'な', 'こ', '金', '髪'])('GIVEN the Japanese character %s THEN it is drawn as a glyph, not a hex box', async (ch) => {
    const r = await inkOf(ch);
    expect(r.ink).toBeGreaterThan(0);
    expect(r.boxed).toBe(false);
  });

  it.each(['😀', '⭐', '🌸'])('GIVEN the emoji %s THEN it is drawn as a glyph, not a hex box', async (ch) => {
    const r = await inkOf(ch);
    expect(r.ink).toBeGreaterThan(0);
    expect(r.boxed).toBe(false);
  });
});
