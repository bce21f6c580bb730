/** Worker thread: renders the faces with indices [start, end) and reports each one's tags. */
import { parentPort, workerData } from 'node:worker_threads';
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { renderFacePng, type FaceStyle } from './render-face.ts';
import { labelsPng, renderPartLabels } from './part-labels.ts';
import { sampleAdventurerFace } from './sample-adventurer.ts';
import { sampleFace, untaggedDraws, untaggedFactors, type FaceLook } from './sample-face.ts';

const { seed, start, end, size, imagesDir, look, masksDir, style } = workerData.data as {
  seed: number;
  start: number;
  end: number;
  size: number;
  imagesDir: string;
  look: FaceLook;
  /** Where part masks go (--masks), or undefined. */
  masksDir?: string;
  /** lorelei when not given. */
  style?: FaceStyle;
};
sharp.concurrency(1);

for (let i = start; i < end; i++) {
  const file = `${String(i).padStart(6, '0')}.png`;
  if (style === 'adventurer') {
    // Tags only: this style's point is data without codes (no factors, draws or masks).
    const face = sampleAdventurerFace(seed, i);
    await writeFile(`${imagesDir}/${file}`, await renderFacePng(face.options, size, 'adventurer'));
    parentPort!.postMessage({ index: i, file, tags: face.tags });
    continue;
  }
  const face = sampleFace(seed, i, undefined, look);
  await writeFile(`${imagesDir}/${file}`, await renderFacePng(face.options, size));
  if (masksDir) await writeFile(`${masksDir}/${file}`, await labelsPng(await renderPartLabels(face.options, size), size));
  // The untagged choices too (hair variant, eyes, …): what z must carry, counted by the evaluator.
  parentPort!.postMessage({
    index: i,
    file,
    tags: face.tags,
    factors: untaggedFactors(face.options),
    draws: untaggedDraws(face.draws),
  });
}
