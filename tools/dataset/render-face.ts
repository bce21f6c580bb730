/** One sampled face as a PNG: DiceBear lorelei SVG, rasterised by sharp on white. */
import { createAvatar } from '@dicebear/core';
import { lorelei } from '@dicebear/collection';
import sharp from 'sharp';

export async function renderFacePng(options: Record<string, unknown>, size: number): Promise<Buffer> {
  const svg = createAvatar(lorelei, { ...options, size } as never).toString();
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ compressionLevel: 6 }).toBuffer();
}
