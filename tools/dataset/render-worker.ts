/** Worker thread: renders the faces with indices [start, end) and reports each one's tags. */
import { parentPort, workerData } from 'node:worker_threads';
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { renderFacePng } from './render-face.ts';
import { sampleFace, untaggedDraws, untaggedFactors } from './sample-face.ts';

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
  const file = `${String(i).padStart(6, '0')}.png`;
  await writeFile(`${imagesDir}/${file}`, await renderFacePng(face.options, size));
  // The untagged choices too (hair variant, eyes, …): what z must carry, counted by the evaluator.
  parentPort!.postMessage({
    index: i,
    file,
    tags: face.tags,
    factors: untaggedFactors(face.options),
    draws: untaggedDraws(face.draws),
  });
}
