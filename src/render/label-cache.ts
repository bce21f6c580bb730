/**
 * Label pixels, rasterised once and kept. Text through librsvg/pango is the dearest part
 * of a picture (≈0.5 ms per SVG pipeline before any glyph, ≈5 ms for a whole-canvas label
 * layer of a 9-tile grid, plus ≈5 ms to composite it), yet most labels repeat exactly: the
 * badges 1…n of every grid, the 1/7…7/7 of every strip, common tag captions. Each label
 * becomes a small RGBA sprite keyed by its SVG and size; a render rasterises only the
 * labels it has not seen, all of them in one SVG (an "atlas" of stacked viewports), and
 * compose.ts blends the sprites onto the canvas in JS.
 */
import sharp from 'sharp';
import type { Label } from './svg-labels.ts';

const f32 = Math.fround;

/** A rasterised label: RGBA with straight (not premultiplied) alpha, `width × height × 4` bytes. */
export interface Sprite {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Least-recently-used map bounded by entry count and by total bytes (as declared on set).
 * An entry larger than a quarter of `maxBytes` is not kept at all.
 */
export class LruCache<V> {
  private readonly map = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.total;
  }

  /** The value for `key`, now the most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes / 4) return;
    this.map.set(key, { value, bytes });
    this.total += bytes;
    // Map iterates in insertion order and get() re-inserts: the first key is the least recently used.
    for (const [k] of this.map) {
      if (this.map.size <= this.maxEntries && this.total <= this.maxBytes) break;
      this.delete(k);
    }
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (e === undefined) return;
    this.map.delete(key);
    this.total -= e.bytes;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}

/**
 * ≈4 MiB holds every badge (1…100 at each badge size), the strip labels and a few hundred
 * captions and titles; a 9-tile grid's title sprite is ≈45 KB.
 */
const cache = new LruCache<Promise<Sprite>>(2000, 4 * 1024 * 1024);
const stats = { hits: 0, misses: 0, rasterisations: 0 };

/** Counters since start (or since clearLabelCache): labels served from cache, rasterised, and SVG pipelines run. */
export function labelCacheStats(): { hits: number; misses: number; rasterisations: number; entries: number; bytes: number } {
  return { ...stats, entries: cache.size, bytes: cache.bytes };
}

export function clearLabelCache(): void {
  cache.clear();
  stats.hits = stats.misses = stats.rasterisations = 0;
}

function keyOf(label: Label): string {
  return `${label.w}x${label.h}|${label.svg}`;
}

/** One SVG pipeline for all of `labels`, stacked top to bottom, cut back into sprites. */
async function rasteriseAtlas(labels: readonly Label[]): Promise<Sprite[]> {
  stats.rasterisations++;
  const width = Math.max(...labels.map((l) => l.w));
  let y = 0;
  const tops: number[] = [];
  const body = labels
    .map((l) => {
      tops.push(y);
      const part = `<svg x="0" y="${y}" width="${l.w}" height="${l.h}" overflow="hidden">${l.svg}</svg>`;
      y += l.h;
      return part;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}">${body}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 4 || info.width !== width || info.height !== y) {
    throw new Error(`label atlas came back ${info.width}×${info.height}×${info.channels}, wanted ${width}×${y}×4`);
  }
  return labels.map((l, i) => {
    const out = new Uint8Array(l.w * l.h * 4);
    for (let r = 0; r < l.h; r++) {
      const from = (tops[i]! + r) * width * 4;
      out.set(data.subarray(from, from + l.w * 4), r * l.w * 4);
    }
    return { width: l.w, height: l.h, data: out };
  });
}

/** Sprites for `labels`, in order: cached ones as they are, the rest rasterised together and cached. */
export async function rasterizeLabels(labels: readonly Label[]): Promise<Sprite[]> {
  const keys = labels.map(keyOf);
  const out: (Promise<Sprite> | undefined)[] = keys.map((k) => cache.get(k));
  const missing = new Map<string, Label>();
  keys.forEach((k, i) => {
    if (out[i] !== undefined) stats.hits++;
    else if (!missing.has(k)) missing.set(k, labels[i]!);
  });
  if (missing.size > 0) {
    stats.misses += missing.size;
    const todo = [...missing.entries()];
    const atlas = rasteriseAtlas(todo.map(([, l]) => l));
    todo.forEach(([k, l], j) => {
      const p = atlas.then((s) => s[j]!);
      // Cached as a promise, so that renders running at the same time share one rasterisation.
      cache.set(k, p, l.w * l.h * 4 + k.length + 64);
      p.catch(() => cache.delete(k));
      keys.forEach((kk, i) => {
        if (kk === k) out[i] = p;
      });
    });
  }
  return Promise.all(out as Promise<Sprite>[]);
}

/**
 * Draws `sprite` over the RGB canvas (`width × height`) with its top-left corner at (x, y),
 * clipped to the canvas; straight-alpha "over".
 */
export function blendSprite(canvas: Uint8Array, width: number, height: number, sprite: Sprite, x: number, y: number): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(width, x + sprite.width);
  const y1 = Math.min(height, y + sprite.height);
  const src = sprite.data;
  for (let cy = y0; cy < y1; cy++) {
    let s = ((cy - y) * sprite.width + (x0 - x)) * 4;
    let d = (cy * width + x0) * 3;
    for (let cx = x0; cx < x1; cx++, s += 4, d += 3) {
      const a = src[s + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        canvas[d] = src[s]!;
        canvas[d + 1] = src[s + 1]!;
        canvas[d + 2] = src[s + 2]!;
        continue;
      }
      // libvips' "over" in float32, truncated on the way back to 8 bits (composite.cpp),
      // so that labels come out exactly as the old whole-canvas composite drew them.
      const aA = f32(a / 255);
      const t1 = f32(1 - aA);
      const aR = f32(aA + t1);
      for (let c = 0; c < 3; c++) {
        const v = f32(f32(f32(f32(src[s + c]! / 255) * aA) + f32(t1 * f32(canvas[d + c]! / 255))) / aR);
        canvas[d + c] = Math.min(255, f32(v * 255));
      }
    }
  }
}
