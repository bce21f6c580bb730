import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { RenderError } from '../../src/render/errors.ts';
import { gridLayout, renderGrid } from '../../src/render/grid.ts';
import { decode, diffPixels, gradientTile, solidTile } from './helpers.ts';

const tiles = (n: number, size = 64) => Array.from({ length: n }, (_, i) => gradientTile(size, i));

describe('renderGrid', () => {
  it.each([
    [1, 136, 136],
    [4, 268, 268],
    [9, 400, 400],
    [25, 664, 664],
  ])('GIVEN %i tiles of 64 px THEN the PNG is %i×%i (2× tiles, 4 px gutters)', async (n, w, h) => {
    const png = await renderGrid(tiles(n));
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([w, h]);
    const layout = gridLayout(tiles(n));
    expect([layout.width, layout.height]).toEqual([w, h]);
  });

  it('GIVEN 128 px tiles THEN they are shown at their own size', async () => {
    const meta = await sharp(await renderGrid(tiles(4, 128))).metadata();
    expect(meta.width).toBe(4 + 2 * (128 + 4));
  });

  it('GIVEN 5 tiles and 5 columns THEN one row', async () => {
    const meta = await sharp(await renderGrid(tiles(5), { columns: 5, tileSize: 96 })).metadata();
    expect([meta.width, meta.height]).toEqual([4 + 5 * 100, 4 + 100]);
  });

  it('GIVEN a tile THEN its pixels land in its cell, upscaled', async () => {
    const red = solidTile(64, [200, 10, 10]);
    const blue = solidTile(64, [10, 10, 200]);
    const img = await decode(await renderGrid([red, blue, blue, red]));
    const px = (x: number, y: number) => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
    expect(px(4 + 64, 4 + 64)).toEqual([200, 10, 10]); // centre of tile 1
    expect(px(4 + 132 + 64, 4 + 64)).toEqual([10, 10, 200]); // centre of tile 2
    expect(px(1, 1)).toEqual([30, 31, 34]); // gutter keeps the background
  });

  it.each([
    ['white', [255, 255, 255]],
    ['black', [0, 0, 0]],
  ] as const)('GIVEN number badges on %s tiles THEN only the top-left corner of each tile changes', async (_, rgb) => {
    const t = Array.from({ length: 9 }, () => solidTile(64, [...rgb]));
    const plain = await decode(await renderGrid(t));
    const badged = await decode(await renderGrid(t, { numbers: true }));
    const layout = gridLayout(t);
    for (const cell of layout.cells) {
      expect(diffPixels(plain, badged, cell.x, cell.y, 24, 24)).toBeGreaterThan(50);
      expect(diffPixels(plain, badged, cell.x + cell.w - 40, cell.y + cell.h - 40, 40, 40)).toBe(0);
    }
  });

  it('GIVEN captions with Japanese, emoji and XML characters THEN it renders and adds a band under each tile', async () => {
    const captions = ['金髪 ツインテール', '😀 <b>&"\'', 'blonde_hair, blue_eyes, a very long caption that must be cut', '', '\u0007ctrl', 'é'];
    const t = tiles(6);
    const png = await renderGrid(t, { captions, title: 'ガチャ <gacha> & co' });
    const meta = await sharp(png).metadata();
    const plain = await sharp(await renderGrid(t)).metadata();
    expect(meta.width).toBe(plain.width);
    expect(meta.height!).toBeGreaterThan(plain.height! + 2 * 18);
    // The caption under tile 1 drew something on the background band.
    const layout = gridLayout(t, { captions, title: 'x' });
    const band = layout.captions[0]!;
    const withText = await decode(png);
    const without = await decode(await renderGrid(t, { captions: captions.map(() => ''), title: 'x' }));
    expect(diffPixels(withText, without, band.x, band.y, band.w, band.h)).toBeGreaterThan(20);
  });

  it('GIVEN bad input THEN typed RenderErrors', async () => {
    await expect(renderGrid([])).rejects.toMatchObject({ code: 'no_images' });
    await expect(renderGrid([solidTile(64, [0, 0, 0]), solidTile(32, [0, 0, 0])])).rejects.toMatchObject({ code: 'bad_image' });
    await expect(renderGrid(tiles(3), { captions: ['a'] })).rejects.toMatchObject({ code: 'bad_layout' });
    const broken = { width: 64, height: 64, channels: 3 as const, data: new Uint8Array(10) };
    await expect(renderGrid([broken])).rejects.toBeInstanceOf(RenderError);
    await expect(renderGrid(tiles(101))).rejects.toMatchObject({ code: 'too_many_images' });
  });
});
