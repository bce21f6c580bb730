/**
 * Real faces with a given full tag set: for each set, `perSet` renders whose tagged choices are
 * the set's and whose untagged ones (hair variant, eyes, eyebrows, nose, head, mouth variant,
 * framing, colour jitter) are random. The evaluator's reference for "every seed a different
 * girl". Writes images/, tags.csv and factors.csv (a dataset folder) and matched.json (each
 * row's kind and set, in tags.csv order).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFacePng } from './render-face.ts';
import { sampleFace, UNTAGGED_DRAWS, UNTAGGED_FACTORS, untaggedDraws, untaggedFactors, type FaceLook } from './sample-face.ts';

export interface MatchedSets {
  [kind: string]: { perSet: number; sets: string[][] };
}

export async function renderMatched(matched: MatchedSets, size: number, outDir: string, seed = 77, look: FaceLook = 'all'): Promise<number> {
  mkdirSync(join(outDir, 'images'), { recursive: true });
  const tagRows = ['image,tags'];
  const factorRows = [['image', ...UNTAGGED_FACTORS].join(',')];
  const drawRows = [['image', ...UNTAGGED_DRAWS].join(',')];
  const order: { kind: string; set: number }[] = [];
  let n = 0;
  for (const [kind, { perSet, sets }] of Object.entries(matched)) {
    for (let s = 0; s < sets.length; s++) {
      for (let k = 0; k < perSet; k++) {
        const face = sampleFace(seed, n, sets[s]!, look);
        const file = `images/${String(n).padStart(6, '0')}.png`;
        writeFileSync(join(outDir, file), await renderFacePng(face.options, size));
        tagRows.push(`${file},${face.tags.join(' ')}`);
        factorRows.push([file, ...untaggedFactors(face.options)].join(','));
        drawRows.push([file, ...untaggedDraws(face.draws)].join(','));
        order.push({ kind, set: s });
        n++;
      }
    }
  }
  writeFileSync(join(outDir, 'tags.csv'), tagRows.join('\n') + '\n');
  writeFileSync(join(outDir, 'factors.csv'), factorRows.join('\n') + '\n');
  writeFileSync(join(outDir, 'draws.csv'), drawRows.join('\n') + '\n');
  writeFileSync(join(outDir, 'matched.json'), JSON.stringify({ rows: order }));
  return n;
}
