/**
 * The one place that runs sharp pipelines: scale tiles, lay them on a canvas with the
 * label overlay, encode. Every render (grid, strip, labelled grid, animation) goes
 * through here.
 */
import sharp from 'sharp';
import type { Box } from './layout.ts';
import type { RawImage } from './raw-image.ts';
import { BACKGROUND, TILE_KERNEL } from './style.ts';

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

function rawView(img: RawImage): Buffer {
  return Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
}

/** `img` at w×h as raw RGB (no copy when it already has that size). */
export async function scaleTile(img: RawImage, w: number, h: number): Promise<Buffer> {
  if (img.width === w && img.height === h) return rawView(img);
  return sharp(rawView(img), { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(w, h, { kernel: TILE_KERNEL, fit: 'fill' })
    .raw()
    .toBuffer();
}

/** The composed canvas as raw RGB, `width × height × 3` bytes. */
export async function composeRaw(
  width: number,
  height: number,
  placements: readonly Placement[],
  overlay: Buffer | null,
): Promise<Buffer> {
  // Scale all tiles at once: sharp spreads them over libuv's thread pool.
  const scaled = await Promise.all(placements.map((p) => scaleTile(p.image, p.box.w, p.box.h)));
  const layers: sharp.OverlayOptions[] = scaled.map((buf, i) => {
    const { box } = placements[i]!;
    return { input: buf, raw: { width: box.w, height: box.h, channels: 3 }, left: box.x, top: box.y };
  });
  if (overlay) layers.push({ input: overlay, left: 0, top: 0 });
  // Composite adds an alpha band (from the SVG layer); sharp runs composite last in a
  // pipeline, so flatten by taking raw output and dropping alpha in a second pass.
  const composed = await sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite(layers)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (composed.info.channels === 3) return composed.data;
  return sharp(composed.data, { raw: { width, height, channels: composed.info.channels } })
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** A sharp pipeline holding the composed canvas, ready for an encoder. */
export async function composeCanvas(
  width: number,
  height: number,
  placements: readonly Placement[],
  overlay: Buffer | null,
): Promise<sharp.Sharp> {
  const data = await composeRaw(width, height, placements, overlay);
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export function encodePng(img: sharp.Sharp, compression: Compression = 'default'): Promise<Buffer> {
  if (compression === 'strong') {
    // Quantiser effort 1 and half dithering: effort 7 took 14 s on a 49-tile noise grid
    // here, effort 1 ≈1 s, and on faces the two differ by < 20 % in bytes.
    return img.png({ palette: true, colours: 256, dither: 0.5, effort: 1, compressionLevel: 9 }).toBuffer();
  }
  // Level 6 without adaptive filtering: most of level 9's size at a fraction of the time.
  return img.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
}
