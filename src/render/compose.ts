/**
 * The one place that runs sharp pipelines: lay tiles and labels on a canvas, encode.
 * Every render (grid, strip, labelled grid, animation) goes through here.
 *
 * The canvas is a plain RGB buffer filled in JS: tiles are enlarged straight into it
 * (upscale.ts, the same pixels libvips drew), labels are cached RGBA sprites blended on
 * top (label-cache.ts). A typical render thus runs at most two sharp pipelines: one SVG
 * for the labels it has not drawn before, and the encoder.
 */
import sharp from 'sharp';
import { blendSprite, rasterizeLabels } from './label-cache.ts';

// The CPU budget of a small host: the generator's ONNX Runtime threads take the cores (not
// spinning while idle, ort-engine.ts), and each sharp pipeline runs on one libvips thread —
// renders for several users still run side by side on libuv's pool. sharp's own default is
// the core count where its allocator allows (1 with glibc's, as here): set, so it is 1 everywhere.
sharp.concurrency(1);
import type { Box } from './layout.ts';
import type { RawImage } from './raw-image.ts';
import { BACKGROUND, TILE_KERNEL } from './style.ts';
import type { Label } from './svg-labels.ts';
import { canUpscale, copyInto, upscaleInto } from './upscale.ts';

/**
 * 'default' = lossless PNG at moderate zlib effort (fast); 'strong' = PNG quantised to a
 * 256-colour palette with dithering (≈3× smaller on lorelei grids, still faithful at a glance).
 * Animations map the same two levels to their own encoders.
 */
export type Compression = 'default' | 'strong';

export interface Placement {
  image: RawImage;
  box: Box;
}

/** Enlarged output pixels after which composeRaw yields to the event loop (≈4 ms of work here). */
const YIELD_EVERY_PX = 256 * 1024;

const BACKGROUND_PIXEL = Buffer.from([BACKGROUND.r, BACKGROUND.g, BACKGROUND.b]);

function rawView(img: RawImage): Buffer {
  return Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
}

/** `img` at w×h as raw RGB through sharp (lanczos3 when shrinking; no copy when it already has that size). */
export async function scaleTile(img: RawImage, w: number, h: number): Promise<Buffer> {
  if (img.width === w && img.height === h) return rawView(img);
  return sharp(rawView(img), { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(w, h, { kernel: TILE_KERNEL, fit: 'fill' })
    .raw()
    .toBuffer();
}

/** The composed canvas as raw RGB, `width × height × 3` bytes: background, tiles, then labels over them. */
export async function composeRaw(width: number, height: number, placements: readonly Placement[], labels: readonly Label[] = []): Promise<Buffer> {
  for (const { box } of placements) {
    if (box.x < 0 || box.y < 0 || box.x + box.w > width || box.y + box.h > height) {
      throw new RangeError(`tile box ${box.w}×${box.h}+${box.x}+${box.y} is outside the ${width}×${height} canvas`);
    }
  }
  // Start the sharp work first (labels not drawn before, tiles to shrink): libvips runs it
  // on its own threads while this one enlarges tiles.
  const sprites = rasterizeLabels(labels);
  const canvas = Buffer.allocUnsafe(width * height * 3).fill(BACKGROUND_PIXEL);
  const inJs: Placement[] = [];
  const shrinking: Promise<void>[] = [];
  for (const p of placements) {
    const { image, box } = p;
    if ((image.width === box.w && image.height === box.h) || canUpscale(image, box.w, box.h)) inJs.push(p);
    else {
      shrinking.push(scaleTile(image, box.w, box.h).then((data) => copyInto({ width: box.w, height: box.h, channels: 3, data }, canvas, width, box.x, box.y)));
    }
  }
  const pending = Promise.all([sprites, ...shrinking]);
  pending.catch(() => {}); // awaited below; don't let a rejection count as unhandled while tiles are drawn
  let sinceYield = 0;
  for (const { image, box } of inJs) {
    if (image.width === box.w && image.height === box.h) copyInto(image, canvas, width, box.x, box.y);
    else upscaleInto(image, canvas, width, box);
    // Big pictures (many large tiles) would hold the event loop for tens of ms: let it breathe.
    sinceYield += box.w * box.h;
    if (sinceYield >= YIELD_EVERY_PX) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const [drawn] = await pending;
  drawn.forEach((sprite, i) => blendSprite(canvas, width, height, sprite, labels[i]!.x, labels[i]!.y));
  return canvas;
}

/** A sharp pipeline holding the composed canvas, ready for an encoder. */
export async function composeCanvas(width: number, height: number, placements: readonly Placement[], labels: readonly Label[] = []): Promise<sharp.Sharp> {
  const data = await composeRaw(width, height, placements, labels);
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export function encodePng(img: sharp.Sharp, compression: Compression = 'default'): Promise<Buffer> {
  if (compression === 'strong') {
    // Quantiser effort 1 and half dithering: effort 7 took 14 s on a 49-tile noise grid
    // here, effort 1 ≈1 s, and on faces the two differ by < 20 % in bytes.
    return img.png({ palette: true, colours: 256, dither: 0.5, effort: 1, compressionLevel: 9 }).toBuffer();
  }
  // Level 2 without adaptive filtering. On the 128 px generator's own grids (tools/bench-png.ts:
  // 9 tiles, 75 563 colours, so no lossless palette; 25 tiles) level 4 cost 8.6 / 22.5 CPU ms
  // for 317.7 / 859.9 KiB, level 2 7.2 / 20.8 ms for 323.4 / 876.5 KiB: 2 % more bytes for
  // 8–16 % less time. Level 1 halves the time again but adds 26 % to every upload; adaptive
  // filtering saves 30 % of the bytes for twice the time. (On the 64 px lorelei grids of
  // before, level 4 had cost a third less than level 6 for 3 % more bytes.)
  return img.png({ compressionLevel: 2, adaptiveFiltering: false }).toBuffer();
}
