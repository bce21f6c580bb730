/** Worker thread: renders the faces with indices [start, end) and reports each one's tags. */
import { parentPort, workerData } from 'node:worker_threads';
import { createAvatar } from '@dicebear/core';
import { lorelei } from '@dicebear/collection';
import sharp from 'sharp';
import { sampleFace } from './sample-face.ts';

const { seed, start, end, size, imagesDir } = workerData.data as {
  seed: number;
  start: number;
  end: number;
  size: number;
  imagesDir: string;
};
sharp.concurrency(1);

for (let i = start; i < end; i++) {
  const face = sampleFace(seed, i);
  const svg = createAvatar(lorelei, { ...face.options, size } as never).toString();
  const file = `${String(i).padStart(6, '0')}.png`;
  await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ compressionLevel: 6 }).toFile(`${imagesDir}/${file}`);
  parentPort!.postMessage({ index: i, file, tags: face.tags });
}
