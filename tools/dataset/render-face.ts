/** One sampled face as a PNG: a DiceBear SVG (lorelei unless told), rasterised by sharp on white. */
import { createAvatar } from '@dicebear/core';
import { adventurer, lorelei } from '@dicebear/collection';
import sharp from 'sharp';

/** The DiceBear styles `npm run dataset -- --style` renders. */
export const FACE_STYLES = ['lorelei', 'adventurer'] as const;
export type FaceStyle = (typeof FACE_STYLES)[number];

export async function renderFacePng(options: Record<string, unknown>, size: number, style: FaceStyle = 'lorelei'): Promise<Buffer> {
  const props = { ...options, size } as never;
  const svg = (style === 'adventurer' ? createAvatar(adventurer, props) : createAvatar(lorelei, props)).toString();
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ compressionLevel: 6 }).toBuffer();
}
