import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { labeledGridLayout, renderLabeledGrid } from '../../src/render/labeled-grid.ts';
import { renderStrip, stepLabels } from '../../src/render/strip.ts';
import { estimateWidthEm, wrapToLines } from '../../src/render/text.ts';
import { gradientTile } from './helpers.ts';

const tiles = (n: number, size = 64) => Array.from({ length: n }, (_, i) => gradientTile(size, i));

describe('renderStrip', () => {
  it('GIVEN 7 frames of 64 px THEN one row 7 × 132 + 4 px wide with a label band', async () => {
    const meta = await sharp(await renderStrip(tiles(7))).metadata();
    expect(meta.width).toBe(7 * 132 + 4);
    expect(meta.height!).toBeGreaterThan(136);
    expect(meta.height!).toBeLessThan(136 + 40);
  });

  it('GIVEN given labels THEN the width does not change', async () => {
    const meta = await sharp(await renderStrip(tiles(3, 128), { labels: ['A', '50 %', 'B'] })).metadata();
    expect(meta.width).toBe(3 * 132 + 4);
  });

  it('GIVEN the wrong number of labels THEN bad_layout', async () => {
    await expect(renderStrip(tiles(3), { labels: ['A'] })).rejects.toMatchObject({ code: 'bad_layout' });
  });

  it('GIVEN n THEN step labels run 1/n … n/n', () => {
    expect(stepLabels(7)).toEqual(['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);
  });
});

describe('renderLabeledGrid', () => {
  const rows = [tiles(4), tiles(4), tiles(4)];
  const opts = {
    rowLabels: ['blonde hair, blue eyes, smile, glasses', '赤髪', 'black hair, long hair, earrings, freckles, hair flower'],
    colLabels: ['#1', '#2', 'seed 1234', 'seed 99999999'],
    title: 'restyle',
  };

  it('GIVEN 3 tag sets × 4 seeds THEN the picture holds a label column, a label band and 3 × 4 tiles', async () => {
    const layout = labeledGridLayout(rows, opts);
    const meta = await sharp(await renderLabeledGrid(rows, opts)).metadata();
    expect([meta.width, meta.height]).toEqual([layout.width, layout.height]);
    expect(layout.cells).toHaveLength(12);
    const rowLabelW = layout.rowLabels[0]!.w;
    expect(rowLabelW).toBeGreaterThanOrEqual(64);
    expect(layout.width).toBe(4 + rowLabelW + 4 + 4 * 132);
    // Column labels sit above the first row, row labels left of the first column.
    expect(layout.colLabels[0]!.y + layout.colLabels[0]!.h).toBeLessThanOrEqual(layout.cells[0]!.y);
    expect(layout.rowLabels[0]!.x + rowLabelW).toBeLessThan(layout.cells[0]!.x);
  });

  it('GIVEN ragged rows or mismatched labels THEN bad_layout', async () => {
    await expect(renderLabeledGrid([tiles(2), tiles(3)], { rowLabels: ['a', 'b'], colLabels: ['1', '2'] })).rejects.toMatchObject({
      code: 'bad_layout',
    });
    await expect(renderLabeledGrid(rows, { ...opts, colLabels: ['1'] })).rejects.toMatchObject({ code: 'bad_layout' });
    await expect(renderLabeledGrid([], { rowLabels: [], colLabels: [] })).rejects.toMatchObject({ code: 'no_images' });
  });

  it('GIVEN short tag-set row labels THEN the label column is wide enough for each whole tag (no "red_hai r")', () => {
    const short = [tiles(2), tiles(2)];
    const layout = labeledGridLayout(short, { rowLabels: ['red_hair, blue_eyes', 'blonde_hair'], colLabels: ['a', 'b'] });
    const fontPx = 13; // captionFontPx(128)
    const box = layout.rowLabels[0]!;
    // textLabel pads 2 px each side.
    for (const word of ['red_hair,', 'blue_eyes', 'blonde_hair']) expect(estimateWidthEm(word) * fontPx).toBeLessThanOrEqual(box.w - 4);
    expect(wrapToLines('red_hair, blue_eyes', fontPx, box.w - 4, 4)).toEqual(['red_hair,', 'blue_eyes']);
    // …but never wider than 1.5 tiles, whatever the label.
    const long = labeledGridLayout(short, { rowLabels: ['a'.repeat(80), 'b'], colLabels: ['a', 'b'] });
    expect(long.rowLabels[0]!.w).toBe(192);
  });
});
