import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { gridLayout, renderGrid } from '../../src/render/grid.ts';
import { LruCache, blendSprite, clearLabelCache, labelCacheStats, rasterizeLabels, type Sprite } from '../../src/render/label-cache.ts';
import { badgeLabel, textLabel, titleLabels, type Label } from '../../src/render/svg-labels.ts';
import { decode, diffPixels, gradientTile, solidTile } from './helpers.ts';

describe('LruCache', () => {
  it('GIVEN more entries than allowed THEN the least recently used go first', () => {
    const c = new LruCache<string>(3, 1000);
    c.set('a', 'A', 1);
    c.set('b', 'B', 1);
    c.set('c', 'C', 1);
    expect(c.get('a')).toBe('A'); // a is now the most recent
    c.set('d', 'D', 1);
    expect(c.has('b')).toBe(false);
    expect([c.has('a'), c.has('c'), c.has('d')]).toEqual([true, true, true]);
    expect(c.size).toBe(3);
  });

  it('GIVEN more bytes than allowed THEN it evicts until under the limit, and never keeps an oversized entry', () => {
    const c = new LruCache<number>(100, 100);
    c.set('a', 1, 20);
    c.set('b', 2, 20);
    c.set('c', 3, 20);
    c.set('d', 4, 20);
    c.set('e', 5, 25); // 105 bytes → a goes
    expect(c.has('a')).toBe(false);
    expect(c.bytes).toBe(85);
    c.set('huge', 6, 26); // over a quarter of the budget: not kept, nothing evicted
    expect(c.has('huge')).toBe(false);
    expect(c.size).toBe(4);
    c.set('b', 7, 5); // replacing an entry updates the byte count
    expect(c.bytes).toBe(70);
    expect(c.get('b')).toBe(7);
    c.delete('b');
    c.delete('missing');
    expect(c.bytes).toBe(65);
  });
});

/** The label drawn alone, as its own SVG: what its sprite must hold. */
async function alone(l: Label): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${l.w}" height="${l.h}">${l.svg}</svg>`;
  return sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
}

const tile = { x: 0, y: 0, w: 128, h: 128 };

describe('rasterizeLabels', () => {
  beforeEach(() => clearLabelCache());

  it('GIVEN labels of different sizes THEN one SVG draws them all and each sprite is that label alone', async () => {
    const labels = [
      badgeLabel(tile, '7'),
      textLabel({ x: 4, y: 4, w: 300, h: 24 }, 'seeds 1–9 · red_hair', { fontPx: 16, align: 'start', bold: true })!,
      badgeLabel(tile, '25'),
      textLabel({ x: 0, y: 0, w: 128, h: 20 }, 'blonde_hair, smile', { fontPx: 13 })!,
    ];
    const sprites = await rasterizeLabels(labels);
    expect(labelCacheStats()).toMatchObject({ rasterisations: 1, misses: 4, hits: 0, entries: 4 });
    for (const [i, l] of labels.entries()) {
      expect([sprites[i]!.width, sprites[i]!.height]).toEqual([l.w, l.h]);
      const ref = await alone(l);
      expect(Buffer.from(sprites[i]!.data).equals(ref)).toBe(true);
    }
    // Something was drawn: the badge plate is opaque-ish, the title has text.
    expect(sprites[0]!.data.some((v, i) => i % 4 === 3 && v > 100)).toBe(true);
    expect(sprites[1]!.data.some((v, i) => i % 4 === 3 && v > 100)).toBe(true);
  });

  it('GIVEN the same labels again (and repeats within a call) THEN no SVG is rasterised again', async () => {
    const badges = Array.from({ length: 9 }, (_, i) => badgeLabel({ ...tile, x: (i % 3) * 132, y: Math.floor(i / 3) * 132 }, String(i + 1)));
    const first = await rasterizeLabels([...badges, badges[0]!]);
    expect(labelCacheStats()).toMatchObject({ rasterisations: 1, misses: 9, hits: 0 });
    expect(first[9]).toBe(first[0]); // one sprite for the same label, wherever it sits
    // The same badge text at another position is the same sprite.
    const moved = badgeLabel({ ...tile, x: 1000, y: 500 }, '1');
    const again = await rasterizeLabels([...badges, moved]);
    expect(labelCacheStats()).toMatchObject({ rasterisations: 1, misses: 9, hits: 10 });
    expect(again[0]).toBe(first[0]);
    expect(again[9]).toBe(first[0]);
    // A new label costs one more pipeline, for it alone.
    await rasterizeLabels([badges[1]!, badgeLabel(tile, '10')]);
    expect(labelCacheStats()).toMatchObject({ rasterisations: 2, misses: 10, hits: 11 });
  });

  it('GIVEN two renders asking for the same new label at once THEN they share one rasterisation', async () => {
    const l = badgeLabel(tile, '42');
    const [a, b] = await Promise.all([rasterizeLabels([l]), rasterizeLabels([l])]);
    expect(a[0]).toBe(b[0]);
    expect(labelCacheStats().rasterisations).toBe(1);
  });

  it('GIVEN no labels THEN no pipeline at all', async () => {
    expect(await rasterizeLabels([])).toEqual([]);
    expect(labelCacheStats().rasterisations).toBe(0);
  });

  it('GIVEN a gacha grid rendered twice with new titles THEN the badges are drawn once and the new title reuses the pieces it shares', async () => {
    const tiles = Array.from({ length: 9 }, (_, i) => gradientTile(64, i));
    const a = await renderGrid(tiles, { numbers: true, title: 'seeds 1–9' });
    // 9 badges and the title's pieces "seeds", "1", "–", "9", in one SVG.
    expect(labelCacheStats()).toMatchObject({ rasterisations: 1, misses: 13 });
    const b = await renderGrid(tiles, { numbers: true, title: 'seeds 10–18' });
    // "seeds" and the "1" right after it sit where they sat before: cached with the badges.
    const afterB = labelCacheStats();
    expect(afterB.rasterisations).toBe(2);
    expect(afterB.hits).toBe(11);
    expect(afterB.misses - 13).toBeLessThanOrEqual(4); // "0", "–", "1", "8" at their places
    const c = await renderGrid(tiles, { numbers: true, title: 'seeds 1–9' });
    expect(labelCacheStats()).toMatchObject({ rasterisations: 2, hits: 11 + 13 });
    expect(c.equals(a)).toBe(true);
    const layout = gridLayout(tiles, { title: 'x' });
    const [da, db] = [await decode(a), await decode(b)];
    expect(diffPixels(da, db, layout.title!.x, layout.title!.y, layout.title!.w, layout.title!.h)).toBeGreaterThan(10);
    expect(diffPixels(da, db, 0, layout.cells[0]!.y, layout.width, layout.height - layout.cells[0]!.y)).toBe(0);
  });
});

describe('blendSprite', () => {
  const sprite = (w: number, h: number, rgba: [number, number, number, number]): Sprite => {
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
    return { width: w, height: h, data };
  };
  const px = (c: Uint8Array, w: number, x: number, y: number) => [...c.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)];

  it('GIVEN opaque, transparent and half-transparent pixels THEN replace, keep and mix', () => {
    const canvas = solidTile(4, [100, 100, 100]).data;
    blendSprite(canvas, 4, 4, sprite(1, 1, [255, 0, 0, 255]), 0, 0);
    blendSprite(canvas, 4, 4, sprite(1, 1, [255, 0, 0, 0]), 1, 0);
    blendSprite(canvas, 4, 4, sprite(1, 1, [255, 0, 0, 128]), 2, 0);
    expect(px(canvas, 4, 0, 0)).toEqual([255, 0, 0]);
    expect(px(canvas, 4, 1, 0)).toEqual([100, 100, 100]);
    const mixed = px(canvas, 4, 2, 0);
    expect(mixed[0]).toBeGreaterThanOrEqual(176);
    expect(mixed[0]).toBeLessThanOrEqual(178);
    expect(mixed[1]).toBeGreaterThanOrEqual(49);
    expect(mixed[1]).toBeLessThanOrEqual(50);
  });

  it('GIVEN a sprite hanging over the edges THEN only the part on the canvas is drawn', () => {
    const canvas = new Uint8Array(5 * 5 * 3);
    blendSprite(canvas, 5, 5, sprite(3, 3, [9, 9, 9, 255]), -1, 3);
    const drawn: string[] = [];
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) if (px(canvas, 5, x, y)[0] === 9) drawn.push(`${x},${y}`);
    expect(drawn).toEqual(['0,3', '1,3', '0,4', '1,4']);
    blendSprite(canvas, 5, 5, sprite(3, 3, [9, 9, 9, 255]), 10, 10); // entirely off: nothing, no throw
  });

  it('GIVEN labels over tiles THEN the JS blend gives exactly what sharp composite gives', async () => {
    const tiles = Array.from({ length: 4 }, (_, i) => gradientTile(64, i));
    const captions = ['blonde_hair', 'smile', 'red_hair, glasses', '1/4'];
    const layout = gridLayout(tiles, { captions, title: 't' });
    // ✨ has no exact advance: this title is one label, drawn whole.
    const labels: Label[] = titleLabels(layout.title!, 'Gacha ✨ <&>', 16);
    expect(labels).toHaveLength(1);
    layout.cells.forEach((cell, i) => {
      labels.push(badgeLabel(cell, String(i + 1)));
      labels.push(textLabel(layout.captions[i]!, captions[i]!, { fontPx: 13 })!);
    });
    // A base with tiles drawn and no labels, then the labels composited by sharp from one SVG.
    const base = await decode(await renderGrid(tiles, { captions: captions.map(() => ''), title: ' ' }));
    const body = labels.map((l) => `<svg x="${l.x}" y="${l.y}" width="${l.w}" height="${l.h}" overflow="hidden">${l.svg}</svg>`).join('');
    const overlay = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">${body}</svg>`);
    const { data: viaSharp } = await sharp(base.data, { raw: { width: base.width, height: base.height, channels: 3 } })
      .composite([{ input: overlay, left: 0, top: 0 }])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const viaJs = Buffer.from(base.data);
    const sprites = await rasterizeLabels(labels);
    sprites.forEach((s, i) => blendSprite(viaJs, base.width, base.height, s, labels[i]!.x, labels[i]!.y));
    expect(viaJs.equals(viaSharp)).toBe(true);
    expect(viaJs.equals(base.data)).toBe(false);
  });
});
