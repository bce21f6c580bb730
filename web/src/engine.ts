/**
 * The generator in the browser: tfjs with the wasm backend (default: fastest measured on
 * CPU-only machines, see README "The studio"), WebGL or plain JS as fallbacks, and the
 * bundled model loaded from static files next to the page.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { TagVocabulary, roundToFloat16, tagSetsOf, type ModelEntry, type TagSpec } from './shared.ts';

export type BackendName = 'wasm' | 'webgl' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['wasm', 'webgl', 'cpu'];

export interface Card {
  id: string;
  /** Ids the model answered to before; their share codes are still this model's. */
  formerIds?: string[];
  name?: string;
  zDim: number;
  imageSize: number;
  numTags: number;
  created?: string;
  /** How it was trained; factorCodes/drawCodes, where present, name the z numbers of each part (variations by part). */
  training?: Record<string, unknown>;
  /** px → the model that draws the same girls at that size (card.json sizes; web-build puts it in ../size-<px>/). */
  sizes?: Record<string, string>;
}

/** A model that could not be loaded; `hint` says how to fix it. */
export class ModelLoadFailure extends Error {
  override readonly name = 'ModelLoadFailure';
  constructor(
    message: string,
    readonly hint: 'serve' | 'files' | 'backend',
  ) {
    super(message);
  }
}

export interface GirlInput {
  z: ArrayLike<number>;
  tags: ArrayLike<number>;
}

/** One drawn face: RGBA, imageSize², ready for ImageData. */
export type Face = ImageData;

async function fetchJson(url: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ModelLoadFailure(`${url} could not be fetched (${(e as Error).message}).`, 'serve');
  }
  if (!res.ok) throw new ModelLoadFailure(`${url} answered HTTP ${res.status}.`, 'files');
  try {
    return await res.json();
  } catch {
    throw new ModelLoadFailure(`${url} is not valid JSON.`, 'files');
  }
}

async function chooseBackend(preferred: BackendName | undefined, wasmBase: string): Promise<BackendName> {
  setWasmPaths(wasmBase);
  const order = preferred ? [preferred, ...BACKENDS.filter((b) => b !== preferred)] : [...BACKENDS];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: unavailable`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new ModelLoadFailure(`No TensorFlow.js backend could start (${failures.join('; ')}).`, 'backend');
}

/** Where web-build puts the model that draws a model's girls at `px` (card.json sizes): beside its folder. */
export function sizeFolder(base: string, px: number): string {
  return new URL(`../size-${px}/`, new URL(base, document.baseURI)).href;
}

export class Engine {
  private constructor(
    readonly backend: BackendName,
    /** The girls' model: her share code's id, her tags, her z. */
    readonly card: Card,
    readonly model: ModelEntry,
    private readonly net: LayersModel,
    /** The size the net draws: the card's, or another size of the model's family (`px`). */
    private readonly drawnSize: number,
  ) {}

  /**
   * `base` is the model folder's URL ending in '/', e.g. "models/default/". `px`: draw at that
   * size with the family's model for it (card.json sizes), from sizeFolder(base, px); the girls
   * stay the base model's. A size the card does not list draws at the card's own size.
   */
  static async load(base: string, opts: { backend?: BackendName; wasmBase?: string; px?: number } = {}): Promise<Engine> {
    if (location.protocol === 'file:') {
      throw new ModelLoadFailure('The page was opened as a file, and browsers do not let a file page read the model.', 'serve');
    }
    const [backend, cardJson, tagsJson] = await Promise.all([
      chooseBackend(opts.backend, opts.wasmBase ?? 'tfjs/'),
      fetchJson(`${base}card.json`),
      fetchJson(`${base}tags.json`),
    ]);
    const card = cardJson as Card;
    const specs = (tagsJson as { tags?: TagSpec[] }).tags;
    if (!card || typeof card.id !== 'string' || !Number.isInteger(card.zDim) || !Number.isInteger(card.imageSize)) {
      throw new ModelLoadFailure(`${base}card.json lacks id, zDim or imageSize.`, 'files');
    }
    if (!Array.isArray(specs) || specs.length !== card.numTags) {
      throw new ModelLoadFailure(`${base}tags.json does not list the ${card.numTags} tags card.json promises.`, 'files');
    }
    const sibling = opts.px !== undefined && opts.px !== card.imageSize ? card.sizes?.[String(opts.px)] : undefined;
    const netBase = sibling === undefined ? base : sizeFolder(base, opts.px!);
    if (sibling !== undefined) {
      // It must be the model the card names, drawing that size from the same z and tags.
      const other = (await fetchJson(`${netBase}card.json`)) as Card;
      const named = other?.id === sibling || (other?.formerIds ?? []).includes(sibling);
      if (!named || other.imageSize !== opts.px || other.zDim !== card.zDim || other.numTags !== card.numTags) {
        throw new ModelLoadFailure(`${netBase}card.json is not ${sibling}, the ${opts.px} px model of ${card.id}.`, 'files');
      }
    }
    let net: LayersModel;
    try {
      net = await loadLayersModel(`${netBase}model.json`);
    } catch (e) {
      throw new ModelLoadFailure(`${netBase}model.json could not be loaded: ${(e as Error).message}`, 'files');
    }
    const vocabulary = new TagVocabulary(specs);
    const model: ModelEntry = { id: card.id, formerIds: card.formerIds ?? [], name: card.name ?? card.id, zDim: card.zDim, imageSize: card.imageSize, vocabulary, ...tagSetsOf(vocabulary) };
    const engine = new Engine(backend, card, model, net, sibling === undefined ? card.imageSize : opts.px!);
    await engine.draw([{ z: new Float32Array(card.zDim), tags: new Float32Array(card.numTags) }]); // kernels warm
    return engine;
  }

  /** The size of the faces it draws, in px. */
  get size(): number {
    return this.drawnSize;
  }

  /** The sizes the model's family draws (card.json sizes), ascending; [] when it has no family. */
  get sizes(): number[] {
    return Object.keys(this.card.sizes ?? {})
      .map(Number)
      .sort((a, b) => a - b);
  }

  /**
   * Draws girls in one batch. z is rounded through float16 and tags onto the 1/255 grid,
   * exactly as the bot draws (src/core/draw.ts), so a share code gives the bot's pixels.
   */
  async draw(girls: readonly GirlInput[]): Promise<Face[]> {
    if (girls.length === 0) return [];
    const { zDim, numTags } = this.card;
    const S = this.drawnSize;
    const width = zDim + numTags;
    const input = new Float32Array(girls.length * width);
    girls.forEach((g, k) => {
      for (let i = 0; i < zDim; i++) input[k * width + i] = roundToFloat16(g.z[i] ?? 0);
      for (let i = 0; i < numTags; i++) input[k * width + zDim + i] = Math.min(255, Math.max(0, Math.round((g.tags[i] ?? 0) * 255))) / 255;
    });
    const out = tf.tidy(() => this.net.predict(tf.tensor2d(input, [girls.length, width])) as tf.Tensor);
    let values: Float32Array;
    try {
      values = (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
    const per = S * S * 3;
    return girls.map((_, k) => {
      const rgba = new Uint8ClampedArray(S * S * 4);
      for (let p = 0, q = k * per; p < S * S; p++, q += 3) {
        // (x + 1) · 127.5, rounded and clamped as the bot's tanhToRgb (Uint8ClampedArray).
        rgba[p * 4] = (values[q]! + 1) * 127.5;
        rgba[p * 4 + 1] = (values[q + 1]! + 1) * 127.5;
        rgba[p * 4 + 2] = (values[q + 2]! + 1) * 127.5;
        rgba[p * 4 + 3] = 255;
      }
      return new ImageData(rgba, S, S);
    });
  }
}
