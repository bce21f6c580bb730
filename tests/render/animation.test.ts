import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { frameOrder, renderAnimation } from '../../src/render/animation.ts';
import { gradientTile } from './helpers.ts';

const frames = (n: number) => Array.from({ length: n }, (_, i) => gradientTile(64, i));

describe('renderAnimation', () => {
  it.each(['webp', 'gif'] as const)('GIVEN 7 frames as %s THEN an animation of 7 pages at 2×', async (format) => {
    const buf = await renderAnimation(frames(7), { format, delayMs: 150 });
    const meta = await sharp(buf).metadata();
    expect(meta.format).toBe(format);
    expect(meta.pages).toBe(7);
    expect([meta.width, meta.height]).toEqual([128, 128]);
    expect(meta.delay).toEqual(Array(7).fill(150));
    expect(meta.loop).toBe(0);
  });

  it('GIVEN ping-pong THEN frames play forwards and back without repeating the ends', async () => {
    expect(frameOrder(7, true)).toEqual([0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1]);
    expect(frameOrder(2, true)).toEqual([0, 1]);
    const meta = await sharp(await renderAnimation(frames(7), { format: 'webp', pingPong: true })).metadata();
    expect(meta.pages).toBe(12);
  });

  it('GIVEN labels and a tile size THEN frames grow by a label band', async () => {
    const labels = ['1/3', '2/3', '3/3'];
    const meta = await sharp(await renderAnimation(frames(3), { format: 'gif', labels, tileSize: 96 })).metadata();
    expect(meta.pages).toBe(3);
    expect(meta.width).toBe(96 + 8);
    expect(meta.height!).toBeGreaterThan(96 + 8);
  });

  it('GIVEN a single frame THEN a valid one-page image', async () => {
    const meta = await sharp(await renderAnimation(frames(1), { format: 'webp' })).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.pages ?? 1).toBe(1);
  });

  it('GIVEN bad input THEN typed errors', async () => {
    await expect(renderAnimation([], { format: 'webp' })).rejects.toMatchObject({ code: 'no_images' });
    await expect(renderAnimation(frames(2), { format: 'gif', delayMs: 0 })).rejects.toMatchObject({ code: 'bad_layout' });
    await expect(renderAnimation(frames(2), { format: 'gif', labels: ['a'] })).rejects.toMatchObject({ code: 'bad_layout' });
  });
});
