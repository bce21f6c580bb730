/**
 * Exact part masks of a rendered face (findings.md): the same DiceBear options rendered again
 * with every part in its own pure colour (outlines stay black) and a solid background, then
 * each pixel labelled with the nearest of those colours. A layered generator learns these
 * labels with a plain classification loss (training/layered.py); masks/NNNNNN.png holds them
 * as one grey level per pixel: the index in PART_LAYERS.
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

/** size×size labels (PART_LAYERS indices) of the face `options` draw. */
export async function renderPartLabels(options: Record<string, unknown>, size: number): Promise<Uint8Array> {
  const svg = createAvatar(lorelei, { ...partKeyOptions(options), size } as never).toString();
  const rgb = await sharp(Buffer.from(svg)).flatten({ background: '#0000ff' }).removeAlpha().raw().toBuffer();
  const labels = new Uint8Array(size * size);
  for (let p = 0; p < labels.length; p++) {
    const r = rgb[3 * p]!;
    const g = rgb[3 * p + 1]!;
    const b = rgb[3 * p + 2]!;
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
    labels[p] = best;
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
