import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { composeRaw } from '../../src/render/compose.ts';
import type { RawImage } from '../../src/render/raw-image.ts';
import { canUpscale, copyInto, upscaleInto } from '../../src/render/upscale.ts';
import { gradientTile, noiseTile, solidTile } from './helpers.ts';

function noise(width: number, height: number, seed: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, channels: 3, data };
}

async function sharpResize(img: RawImage, w: number, h: number): Promise<Buffer> {
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(w, h, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('upscaleInto (tile enlargement in JS)', () => {
  it.each([
    ['64→128 noise', noise(64, 64, 1), 128, 128],
    ['64→128 gradient', gradientTile(64, 3), 128, 128],
    ['64→96', noise(64, 64, 2), 96, 96],
    ['64→104 (a fitUnderLimit size)', noise(64, 64, 3), 104, 104],
    ['48→128', noise(48, 48, 4), 128, 128],
    ['64×48→100×75', noise(64, 48, 5), 100, 75],
    ['7×5→16×11', noise(7, 5, 6), 16, 11],
    ['3×2→6×4 (2×, every pixel at an edge)', noise(3, 2, 7), 6, 4],
    ['1×1→2×2', noise(1, 1, 8), 2, 2],
    ['128→256', noise(128, 128, 10), 256, 256],
  ] as const)('GIVEN %s THEN the pixels are exactly those sharp (libvips bicubic) draws', async (_, img, w, h) => {
    const out = new Uint8Array(w * h * 3);
    upscaleInto(img, out, w, { x: 0, y: 0, w, h });
    expect(maxDiff(out, await sharpResize(img, w, h))).toBe(0);
  });

  it('GIVEN a box inside a larger canvas THEN only the box is written, row by row in place', async () => {
    const W = 300;
    const H = 200;
    const canvas = new Uint8Array(W * H * 3).fill(7);
    const img = noise(64, 64, 9);
    const box = { x: 37, y: 21, w: 128, h: 128 };
    upscaleInto(img, canvas, W, box);
    const ref = await sharpResize(img, 128, 128);
    let outsideChanged = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
        const i = (y * W + x) * 3;
        if (!inside && (canvas[i] !== 7 || canvas[i + 1] !== 7 || canvas[i + 2] !== 7)) outsideChanged++;
      }
    }
    expect(outsideChanged).toBe(0);
    for (let y = 0; y < box.h; y++) {
      const row = canvas.subarray(((box.y + y) * W + box.x) * 3, ((box.y + y) * W + box.x + box.w) * 3);
      expect(maxDiff(row, ref.subarray(y * 128 * 3, (y + 1) * 128 * 3))).toBe(0);
    }
  });

  it('GIVEN a solid tile THEN it stays exactly that colour (no ringing at the clamped edges)', () => {
    const out = new Uint8Array(128 * 128 * 3);
    upscaleInto(solidTile(64, [200, 10, 10]), out, 128, { x: 0, y: 0, w: 128, h: 128 });
    for (let i = 0; i < out.length; i += 3) expect([out[i], out[i + 1], out[i + 2]]).toEqual([200, 10, 10]);
  });

  it('GIVEN a shrink, an equal size or a box outside the canvas THEN it refuses', () => {
    const img = noise(64, 64, 1);
    expect(canUpscale(img, 128, 128)).toBe(true);
    expect(canUpscale(img, 64, 64)).toBe(false);
    expect(canUpscale(img, 48, 48)).toBe(false);
    expect(canUpscale(img, 128, 64)).toBe(false);
    expect(() => upscaleInto(img, new Uint8Array(48 * 48 * 3), 48, { x: 0, y: 0, w: 48, h: 48 })).toThrow(RangeError);
    expect(() => upscaleInto(img, new Uint8Array(128 * 128 * 3), 128, { x: 1, y: 0, w: 128, h: 128 })).toThrow(RangeError);
  });

  it('GIVEN copyInto THEN the tile lands at its place unchanged', () => {
    const img = noiseTile(8, 3);
    const canvas = new Uint8Array(20 * 10 * 3);
    copyInto(img, canvas, 20, 5, 2);
    for (let y = 0; y < 8; y++) {
      expect([...canvas.subarray(((y + 2) * 20 + 5) * 3, ((y + 2) * 20 + 13) * 3)]).toEqual([...img.data.subarray(y * 24, y * 24 + 24)]);
    }
    expect(canvas[0]).toBe(0);
  });
});

describe('composeRaw', () => {
  it('GIVEN tiles to enlarge, keep and shrink on one canvas THEN each matches sharp at its own place over the background', async () => {
    const big = noise(64, 64, 11);
    const same = noise(40, 40, 12);
    const small = noise(64, 64, 13);
    const placements = [
      { image: big, box: { x: 2, y: 2, w: 128, h: 128 } },
      { image: same, box: { x: 140, y: 2, w: 40, h: 40 } },
      { image: small, box: { x: 140, y: 60, w: 48, h: 48 } },
    ];
    const W = 200;
    const H = 140;
    const canvas = await composeRaw(W, H, placements);
    expect(canvas.length).toBe(W * H * 3);
    for (const { image, box } of placements) {
      const ref = await sharpResize(image, box.w, box.h);
      for (let y = 0; y < box.h; y++) {
        const row = canvas.subarray(((box.y + y) * W + box.x) * 3, ((box.y + y) * W + box.x + box.w) * 3);
        expect(maxDiff(row, ref.subarray(y * box.w * 3, (y + 1) * box.w * 3))).toBe(0);
      }
    }
    expect([...canvas.subarray(0, 3)]).toEqual([30, 31, 34]);
    expect([...canvas.subarray((139 * W + 199) * 3, (139 * W + 200) * 3)]).toEqual([30, 31, 34]);
  });

  it('GIVEN a box outside the canvas THEN a RangeError, not a corrupt picture', async () => {
    await expect(composeRaw(100, 100, [{ image: noise(64, 64, 1), box: { x: 0, y: 0, w: 128, h: 128 } }])).rejects.toBeInstanceOf(RangeError);
  });
});
