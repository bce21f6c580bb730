/**
 * Exact part masks of a rendered face (findings.md): the same DiceBear options rendered again
 * with every part in its own pure colour (outlines stay black) and a solid background, then
 * each pixel labelled with the part that covers most of it. A layered generator learns these
 * labels with a plain classification loss (training/layered.py); masks/NNNNNN.png holds them
 * as one grey level per pixel: the index in PART_LAYERS.
 *
 * Why coverage and not the nearest key colour: an anti-aliased edge pixel is a blend of two
 * keys, and a blend can lie nearer a third key than either of its own (hair red + background
 * blue = purple, nearest the freckles' key; hair + skin = olive, nearest the earrings'). Nearest-
 * key labelling put freckles, earrings, flowers and glasses along every hair outline (issue 31,
 * session 26: most of the "freckles" pixels of the 128 px data were hair edges), and the
 * generator learnt to draw those parts there. The key picture is drawn without anti-aliasing
 * (shape-rendering crispEdges: only key colours) at SUPERSAMPLE times the size, and each
 * pixel takes the label with the most of its SUPERSAMPLE² samples.
 */
import { createAvatar } from '@dicebear/core';
import { lorelei } from '@dicebear/collection';
import sharp from 'sharp';

/** The layers, in label order; `option` is the lorelei colour option that paints the part. */
export const PART_LAYERS = [
  { name: 'background', option: 'backgroundColor', key: '0000ff' },
  { name: 'skin', option: 'skinColor', key: '00ff00' },
  { name: 'hair', option: 'hairColor', key: 'ff0000' },
  { name: 'eyes', option: 'eyesColor', key: 'ffff00' },
  { name: 'eyebrows', option: 'eyebrowsColor', key: 'ff00ff' },
  { name: 'mouth', option: 'mouthColor', key: '00ffff' },
  { name: 'ink', option: null, key: '000000' },
  { name: 'white', option: null, key: 'ffffff' },
  { name: 'glasses', option: 'glassesColor', key: '808080' },
  { name: 'earrings', option: 'earringsColor', key: 'ff8000' },
  { name: 'freckles', option: 'frecklesColor', key: '8000ff' },
  { name: 'flower', option: 'hairAccessoriesColor', key: '00ff80' },
] as const;

const KEYS = PART_LAYERS.map((l) => [0, 2, 4].map((i) => parseInt(l.key.slice(i, i + 2), 16)) as [number, number, number]);

/** The options with every part in its key colour and a solid background. */
export function partKeyOptions(options: Record<string, unknown>): Record<string, unknown> {
  const keyed: Record<string, unknown> = { ...options, backgroundType: ['solid'] };
  delete keyed.backgroundRotation;
  for (const l of PART_LAYERS) if (l.option) keyed[l.option] = [l.key];
  return keyed;
}

/** Samples per pixel along each axis of the key picture. */
const SUPERSAMPLE = 4;

/**
 * How much each part's samples count. Freckles are dots about 1.5 px across at 128 px: a pixel
 * that is a third freckle and two thirds skin shows as a clear dark dot in the anti-aliased
 * picture, and plain majority dropped half of the dots, so a freckle sample counts twice. Other
 * small parts (lines, eyes, mouth) win only ties against the background, skin and hair: a line
 * over its fill.
 */
const SAMPLE_WEIGHT = PART_LAYERS.map((l) => (l.name === 'freckles' ? 2 : ['background', 'skin', 'hair'].includes(l.name) ? 1 : 1.01));

/** PART_LAYERS index of the key colour nearest (r, g, b): exact for the crisp picture's pixels. */
function nearestKey(r: number, g: number, b: number): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let k = 0; k < KEYS.length; k++) {
    const [kr, kg, kb] = KEYS[k]!;
    const d = (r - kr) ** 2 + (g - kg) ** 2 + (b - kb) ** 2;
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

/** Key colour (0xRRGGBB) → PART_LAYERS index, shared by every face: the crisp picture holds only the keys. */
const KEY_OF_COLOUR = new Map<number, number>();

function keyOf(rgb: Buffer, q: number): number {
  const colour = (rgb[q]! << 16) | (rgb[q + 1]! << 8) | rgb[q + 2]!;
  let k = KEY_OF_COLOUR.get(colour);
  if (k === undefined) {
    k = nearestKey(rgb[q]!, rgb[q + 1]!, rgb[q + 2]!);
    KEY_OF_COLOUR.set(colour, k);
  }
  return k;
}

/** The key SVG of a face: parts in key colours, drawn without anti-aliasing, at `px`. */
function partKeySvg(options: Record<string, unknown>, px: number): string {
  const svg = createAvatar(lorelei, { ...partKeyOptions(options), size: px } as never).toString();
  const crisp = svg.replace(/shape-rendering="[^"]*"/, 'shape-rendering="crispEdges"');
  // Without it the picture is anti-aliased again and edges blend into other parts' keys.
  if (!crisp.includes('shape-rendering="crispEdges"')) throw new Error('lorelei SVG has no shape-rendering attribute to turn anti-aliasing off');
  return crisp;
}

/** size×size labels (PART_LAYERS indices) of the face `options` draw: each pixel's most-covering part. */
export async function renderPartLabels(options: Record<string, unknown>, size: number): Promise<Uint8Array> {
  const big = size * SUPERSAMPLE;
  const rgb = await sharp(Buffer.from(partKeySvg(options, big)))
    .flatten({ background: '#0000ff' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const labels = new Uint8Array(size * size);
  const counts = new Uint16Array(KEYS.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      counts.fill(0);
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        let q = 3 * ((y * SUPERSAMPLE + sy) * big + x * SUPERSAMPLE);
        for (let sx = 0; sx < SUPERSAMPLE; sx++, q += 3) counts[keyOf(rgb, q)]!++;
      }
      let best = 0;
      for (let k = 1; k < KEYS.length; k++) {
        if (counts[k]! * SAMPLE_WEIGHT[k]! > counts[best]! * SAMPLE_WEIGHT[best]!) best = k;
      }
      labels[y * size + x] = best;
    }
  }
  return labels;
}

/** The labels as a greyscale PNG (level = layer index). */
export function labelsPng(labels: Uint8Array, size: number): Promise<Buffer> {
  return sharp(Buffer.from(labels), { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}
