/**
 * `renderAnimation`: morph or blend frames as a looping animated WebP or GIF. Discord plays
 * both inline; WebP is smaller and full colour, GIF is the fallback for old clients.
 */
import sharp from 'sharp';
import { composeRaw, type Compression } from './compose.ts';
import { RenderError } from './errors.ts';
import { checkCount, checkLabels, displaySize } from './grid.ts';
import { tableLayout } from './layout.ts';
import { commonSize, type RawImage } from './raw-image.ts';
import { GUTTER_PX, captionFontPx, lineBandPx } from './style.ts';
import { textLabel } from './svg-labels.ts';

export interface AnimationOptions {
  format: 'webp' | 'gif';
  /** Time each frame shows, in ms (GIF stores centiseconds: rounded to 10 ms). Default 200. */
  delayMs?: number;
  tileSize?: number;
  /** Play forwards then backwards (1…n…2), so the loop has no jump. */
  pingPong?: boolean;
  /** Optional label under each input frame, e.g. "3/7". */
  labels?: readonly string[];
  /** Times to play; 0 = forever (default). */
  loop?: number;
  compression?: Compression;
}

/** Order in which input frames are shown: 0…n-1, then n-2…1 when ping-ponging. */
export function frameOrder(n: number, pingPong: boolean): number[] {
  const forward = Array.from({ length: n }, (_, i) => i);
  if (!pingPong || n < 3) return forward;
  return [...forward, ...forward.slice(1, -1).reverse()];
}

export async function renderAnimation(frames: readonly RawImage[], opts: AnimationOptions): Promise<Buffer> {
  const size = commonSize(frames, 'frame');
  checkCount(frames.length, 'frame');
  checkLabels(opts.labels, frames.length, 'label');
  const delayMs = opts.delayMs ?? 200;
  if (!Number.isFinite(delayMs) || delayMs < 20 || delayMs > 60_000) {
    throw new RenderError('bad_layout', `frame delay must be 20–60000 ms, got ${delayMs}`);
  }
  const { w, h } = displaySize(size, opts.tileSize);
  const layout = tableLayout({
    rows: 1,
    cols: 1,
    cellW: w,
    cellH: h,
    gutter: opts.labels ? GUTTER_PX : 0,
    captionPx: opts.labels ? lineBandPx(captionFontPx(w)) : 0,
  });
  const cell = layout.cells[0]!;
  const caption = layout.captions[0]!;
  // Compose each distinct frame once; ping-pong reuses the buffers.
  const composed = await Promise.all(
    frames.map((image, i) => {
      const label = opts.labels?.[i];
      const text = label ? textLabel(caption, label, { fontPx: captionFontPx(w) }) : null;
      return composeRaw(layout.width, layout.height, [{ image, box: cell }], text ? [text] : []);
    }),
  );
  const order = frameOrder(frames.length, opts.pingPong ?? false);
  // sharp reads a multi-page raw image as pages stacked vertically (raw.pageHeight).
  const stacked = Buffer.concat(order.map((i) => composed[i]!));
  const img = sharp(stacked, {
    raw: { width: layout.width, height: layout.height * order.length, channels: 3, pageHeight: layout.height },
  });
  const delay = order.map(() => Math.round(delayMs));
  const loop = opts.loop ?? 0;
  const strong = opts.compression === 'strong';
  if (opts.format === 'webp') {
    return img.webp({ loop, delay, quality: strong ? 55 : 82, effort: 4 }).toBuffer();
  }
  return img.gif({ loop, delay, colours: strong ? 64 : 256, effort: 7, dither: 1.0, ...(strong ? { interFrameMaxError: 8 } : {}) }).toBuffer();
}
