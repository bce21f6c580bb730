import { beforeEach, describe, expect, it } from 'vitest';
import { blendSprite, clearLabelCache, rasterizeLabels } from '../../src/render/label-cache.ts';
import { TEXT_HEX, TITLE_FONT_PX } from '../../src/render/style.ts';
import { type Label, textLabel, titleLabels } from '../../src/render/svg-labels.ts';
import { titlePieces } from '../../src/render/title-pieces.ts';
import { byteDifference } from './helpers.ts';

const box = { x: 6, y: 4, w: 520, h: 22 };
const W = 540;
const H = 32;

/** The labels blended over a dark RGB canvas (the grids' own background is dark), as compose.ts draws them. */
async function drawn(labels: readonly Label[]): Promise<Uint8Array> {
  const canvas = new Uint8Array(W * H * 3).fill(30);
  const sprites = await rasterizeLabels(labels);
  sprites.forEach((s, i) => blendSprite(canvas, W, H, s, labels[i]!.x, labels[i]!.y));
  return canvas;
}

describe('titles drawn as pieces', () => {
  beforeEach(() => clearLabelCache());

  it('GIVEN a gacha title THEN every digit is a piece of its own, the text between stays whole and its outer spaces only advance', () => {
    const pieces = titlePieces('seeds 1234–1242 · blonde_hair, smile', 16)!;
    expect(pieces.map((p) => p.text)).toEqual(['seeds', '1', '2', '3', '4', '–', '1', '2', '4', '2', '· blonde_hair, smile']);
    // DejaVu Sans Bold: every digit 1425/2048 em, "–" 1024, a space 713.
    const digit = (1425 / 2048) * 16;
    expect(pieces[2]!.offsetPx - pieces[1]!.offsetPx).toBeCloseTo(digit, 9);
    expect(pieces[6]!.offsetPx - pieces[5]!.offsetPx).toBeCloseTo((1024 / 2048) * 16, 9);
    expect(pieces[1]!.offsetPx - pieces[0]!.offsetPx - pieces[0]!.widthPx).toBeCloseTo((713 / 2048) * 16, 9);
  });

  it('GIVEN a character without an exact advance THEN there are no pieces: the line is drawn whole', () => {
    expect(titlePieces('seeds 1–9 · 金髪', 16)).toBeNull();
    expect(titlePieces('Gacha ✨', 16)).toBeNull();
    expect(titleLabels(box, 'seeds 1–9 · 金髪', TITLE_FONT_PX)).toHaveLength(1);
  });

  it('GIVEN titles drawn as pieces THEN they look as the whole line drawn by one SVG does (and a piece 1 px off would not)', async () => {
    const titles = [
      'seeds 1234–1242 · blonde_hair, smile',
      'seed 7 · one_eye_closed',
      'seeds 1359812345 · red_hair, hat',
      '#1 + #4 · smile',
      'round 2/4: eyes and brows',
    ];
    for (const title of titles) {
      const pieces = titleLabels(box, title, TITLE_FONT_PX);
      expect(pieces.length).toBeGreaterThan(2);
      const whole = textLabel(box, title, { fontPx: TITLE_FONT_PX, align: 'start', fill: TEXT_HEX, bold: true })!;
      const [a, b] = [await drawn(pieces), await drawn([whole])];
      const d = byteDifference(a, b);
      // Where two glyphs' anti-aliased edges share a pixel, two blends round a little apart.
      expect(d.max, title).toBeLessThanOrEqual(12);
      expect(d.mean, title).toBeLessThan(0.03);
      const shifted = pieces.map((l, i) => (i === 1 ? { ...l, x: l.x + 1 } : l));
      expect(byteDifference(await drawn(shifted), b).mean, title).toBeGreaterThan(0.1);
    }
  });

  it('GIVEN a title wrapped onto two lines THEN both lines come as pieces, the second below the first', () => {
    const narrow = { x: 0, y: 0, w: 140, h: 44 };
    const labels = titleLabels(narrow, 'seeds 1359812345 · blonde_hair', TITLE_FONT_PX, 2);
    const tops = [...new Set(labels.map((l) => l.y))];
    expect(tops).toHaveLength(2);
    for (const l of labels) {
      expect(l.x).toBeGreaterThanOrEqual(narrow.x - 2);
      expect(l.y + l.h).toBeLessThanOrEqual(narrow.y + narrow.h + 2);
    }
  });
});
