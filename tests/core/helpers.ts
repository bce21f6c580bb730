/**
 * Shared set-up for the core tests: tiny random models served in-process, a recording
 * wrapper around the real generator, a fake generator that paints each girl one flat colour
 * (so a tile in a composed PNG can be told apart from every other), and PNG readers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { roundToFloat16 } from '../../src/latent/float16.ts';
import type { CoreContext, GenerateRequest, ImageGenerator } from '../../src/core/context.ts';
import { gridLayout, type Box, type GridOptions, type RawImage } from '../../src/render/index.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { makeTinyModel, type TinyModelOptions } from '../../testkit/tiny-model.ts';

export interface TinyWorld {
  dir: string;
  runtime: Runtime;
  /** The real generator (wasm/cpu, in this thread). */
  ctx: CoreContext;
  /** Same catalog, flat-colour generator. */
  fake: CoreContext & { generator: ColourGenerator };
  close(): Promise<void>;
}

/**
 * A models folder with "default" (16 px, z 100, 48 tags with exclusive sets; more of its
 * options in `default`, e.g. coded parts in its card) and, unless `other` is false, "other"
 * (32 px, z 64: another z space and other share-code widths).
 */
export async function tinyWorld(opts: { default?: TinyModelOptions; other?: TinyModelOptions | false } = {}): Promise<TinyWorld> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gff-core-'));
  await makeTinyModel(path.join(dir, 'default'), { seed: 1, ...opts.default });
  if (opts.other !== false) await makeTinyModel(path.join(dir, 'other'), { seed: 2, zDim: 64, imageSize: 32, ...opts.other });
  const runtime = await startRuntime({ modelsDir: dir, workers: 0 });
  const ctx = runtime.context();
  const fake = { ...ctx, generator: colourGenerator(runtime) };
  return {
    dir,
    runtime,
    ctx,
    fake,
    close: async () => {
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type Rgb = [number, number, number];

/**
 * The colour the fake generator paints a request: a hash of the model id, z and tags, each
 * channel in 48..223 (far from the dark background). z and tags are hashed as a share code
 * keeps them (float16, 1/255 steps), so a girl and her code's girl hash alike.
 */
export function colourOf(req: GenerateRequest): Rgb {
  let h = 2166136261;
  const mix = (n: number) => {
    h ^= n & 0xffff;
    h = Math.imul(h, 16777619);
    h ^= n >>> 16;
    h = Math.imul(h, 16777619);
  };
  for (const ch of req.modelId ?? '') mix(ch.charCodeAt(0));
  const f = new Float32Array(1);
  const bits = new Uint32Array(f.buffer);
  for (const v of req.z) {
    f[0] = roundToFloat16(v);
    mix(bits[0]!);
  }
  for (const v of req.tags) mix(Math.round(v * 255));
  h >>>= 0;
  return [48 + (h % 176), 48 + ((h >>> 8) % 176), 48 + ((h >>> 16) % 176)];
}

export interface ColourGenerator extends ImageGenerator {
  /** Every request, in order. */
  readonly requests: GenerateRequest[];
}

/** Paints each request a flat colour (colourOf) at its model's image size. */
export function colourGenerator(runtime: Runtime): ColourGenerator {
  const requests: GenerateRequest[] = [];
  return {
    requests,
    async generate(reqs) {
      return reqs.map((r) => {
        requests.push(r);
        const size = runtime.catalog.get(r.modelId ?? runtime.catalog.defaultModelId)!.imageSize;
        const [red, green, blue] = colourOf(r);
        const data = new Uint8Array(size * size * 3);
        for (let i = 0; i < data.length; i += 3) {
          data[i] = red;
          data[i + 1] = green;
          data[i + 2] = blue;
        }
        return { width: size, height: size, channels: 3, data } satisfies RawImage;
      });
    },
  };
}

/** Wraps a generator and keeps each request with the image it got. */
export function recording(inner: ImageGenerator): ImageGenerator & { log: { request: GenerateRequest; image: RawImage }[] } {
  const log: { request: GenerateRequest; image: RawImage }[] = [];
  return {
    log,
    async generate(reqs) {
      const images = await inner.generate(reqs);
      reqs.forEach((request, i) => log.push({ request, image: images[i]! }));
      return images;
    },
  };
}

export interface Decoded {
  width: number;
  height: number;
  /** RGB, row-major. */
  data: Buffer;
}

export async function decode(image: Buffer): Promise<Decoded> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

export function pixel(img: Decoded, x: number, y: number): Rgb {
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

/** A pixel of the cell clear of its number badge (top left). */
export function cellPixel(img: Decoded, cell: Box): Rgb {
  return pixel(img, cell.x + (cell.w * 3) / 4, cell.y + (cell.h * 3) / 4);
}

export function near(a: Rgb, b: Rgb, tolerance = 3): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
}

/** Blank tiles of a size, for asking the renderer's geometry. */
export function blankTiles(n: number, size: number): RawImage[] {
  return Array.from({ length: n }, () => ({ width: size, height: size, channels: 3 as const, data: new Uint8Array(size * size * 3) }));
}

/** Where renderGrid puts n tiles of `size` px with these options. */
export function gridCells(n: number, size: number, opts: GridOptions): { width: number; height: number; cells: Box[] } {
  return gridLayout(blankTiles(n, size), opts);
}

export function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

/** Expects `promise` to reject with a UserError of `code`; returns its message. */
export async function userErrorOf(promise: Promise<unknown> | (() => unknown), code: string): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    const err = e as { name?: string; code?: string; message: string };
    if (err.name === 'UserError' && err.code === code) return err.message;
    throw new Error(`expected UserError "${code}", got ${err.name} "${err.code}": ${err.message}`);
  }
  throw new Error(`expected UserError "${code}", but it succeeded`);
}
