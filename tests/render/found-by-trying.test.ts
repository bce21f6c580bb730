/** Issue #10 items 4, 5, 10: numbered blend/restyle tiles, whole seeds as column labels, strips in rows. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { labeledGridLayout, renderLabeledGrid } from '../../src/render/labeled-grid.ts';
import { renderStrip, stripLayout } from '../../src/render/strip.ts';
import { captionFontPx } from '../../src/render/style.ts';
import { textLabel } from '../../src/render/svg-labels.ts';
import { gridLabels, gridLayout } from '../../src/render/grid.ts';
import { decode, diffPixels, solidTile } from './helpers.ts';

const grey = (n: number) => Array.from({ length: n }, () => solidTile(64, [120, 120, 120]));

describe('labelled grids (restyle, blend of 3–4)', () => {
  it('GIVEN numbers THEN every cell carries its tile number (row by row) in its top-left corner', async () => {
    const rows = [grey(3), grey(3)];
    const opts = { rowLabels: ['a', 'b'], colLabels: ['1', '2', '3'] };
    const plain = await decode(await renderLabeledGrid(rows, opts));
    const numbered = await decode(await renderLabeledGrid(rows, { ...opts, numbers: true }));
    const layout = labeledGridLayout(rows, opts);
    for (const cell of layout.cells) {
      expect(diffPixels(plain, numbered, cell.x, cell.y, 24, 24)).toBeGreaterThan(0);
      expect(diffPixels(plain, numbered, cell.x + cell.w - 24, cell.y + cell.h - 24, 24, 24)).toBe(0);
    }
  });

  it('GIVEN a 10-digit seed as a column label on a 128 px tile THEN it wraps onto a second line whole, not "seed 3883648…"', () => {
    const rows = [grey(2)];
    const layout = labeledGridLayout(rows, { rowLabels: ['smile'], colLabels: ['#1', 'seed 3883648123'] });
    const box = layout.colLabels[1]!;
    const label = textLabel(box, 'seed 3883648123', { fontPx: captionFontPx(layout.cells[0]!.w), maxLines: 2 })!;
    expect(label.svg).toContain('3883648123');
    expect(label.svg).not.toContain('…');
  });
});

describe('strips (morph, blend of 2)', () => {
  it('GIVEN 16 frames THEN at most 8 per row, so Discord does not shrink them to nothing', async () => {
    const png = await renderStrip(grey(16));
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeLessThanOrEqual(4 + 8 * (128 + 4));
    expect(meta.height).toBeGreaterThan(2 * 128);
    expect(stripLayout(grey(7)).cells.every((c) => c.y === stripLayout(grey(7)).cells[0]!.y)).toBe(true);
  });

  it('GIVEN numbers THEN each frame carries its number', async () => {
    const plain = await decode(await renderStrip(grey(3)));
    const numbered = await decode(await renderStrip(grey(3), { numbers: true }));
    for (const cell of stripLayout(grey(3)).cells) expect(diffPixels(plain, numbered, cell.x, cell.y, 24, 24)).toBeGreaterThan(0);
  });
});

describe('titles and captions wrap instead of being cut (item 10)', () => {
  // The text the labels draw, in order (a title comes as pieces: its words and digits, spaces between them only advance).
  const svgText = (labels: { svg: string }[]) => labels.map((l) => [...l.svg.matchAll(/>([^<]*)<\/text>/g)].map((t) => t[1]).join('')).join('');

  it('GIVEN a 1-tile gacha title THEN the whole seed and tags show, over more lines', () => {
    const title = 'seeds 1359812345 · blonde_hair, smile, long_hair';
    const tiles = grey(1);
    const text = svgText(gridLabels(gridLayout(tiles, { title, numbers: true }), { title, numbers: true }));
    expect(text).toContain('1359812345');
    expect(text).toContain('long_hair');
    expect(text).not.toContain('…');
  });

  it('GIVEN a long caption under a /generate picture THEN every tag shows', () => {
    const caption = 'blonde_hair, brown_eyes, smile, long_hair, white_background';
    const opts = { captions: [caption], tileSize: 256 };
    const text = svgText(gridLabels(gridLayout(grey(1), opts), opts));
    for (const tag of caption.split(', ')) expect(text).toContain(tag);
    expect(text).not.toContain('…');
  });
});
