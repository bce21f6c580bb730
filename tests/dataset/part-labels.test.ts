/**
 * Part masks (--masks): each pixel is labelled with the part that covers it, never with a part
 * that is not there. Nearest-key labelling of the anti-aliased key picture had put freckles on
 * hair outlines (red + blue blends to purple, the freckles' key) and earrings on the fringe.
 */
import { describe, expect, it } from 'vitest';
import { PART_LAYERS, renderPartLabels } from '../../tools/dataset/part-labels.ts';
import { sampleFace } from '../../tools/dataset/sample-face.ts';

const SIZE = 128;
const index = (name: string) => PART_LAYERS.findIndex((l) => l.name === name);

function count(labels: Uint8Array, name: string): number {
  const k = index(name);
  return labels.reduce((n, l) => n + (l === k ? 1 : 0), 0);
}

/** A face of the girls look with the tags wanted, or without the ones not wanted. */
function face(want: (tags: readonly string[]) => boolean) {
  for (let i = 0; i < 500; i++) {
    const f = sampleFace(32, i, undefined, 'girls');
    if (want(f.tags)) return f;
  }
  throw new Error('no such face among the first 500');
}

describe('renderPartLabels', () => {
  it('GIVEN a face without freckles, earrings, glasses or a flower THEN no pixel is labelled as one of them', async () => {
    const f = face((t) => !['freckles', 'earrings', 'glasses', 'hair_flower'].some((x) => t.includes(x)));
    const labels = await renderPartLabels(f.options, SIZE);
    for (const part of ['freckles', 'earrings', 'glasses', 'flower']) expect(count(labels, part), part).toBe(0);
    // and the big parts are all there
    for (const part of ['background', 'skin', 'hair', 'ink', 'eyes']) expect(count(labels, part), part).toBeGreaterThan(20);
  });

  it('GIVEN a freckled face THEN her freckles are dots on the cheeks, a few pixels each, not outlines', async () => {
    const f = face((t) => t.includes('freckles') && !t.includes('hair_flower'));
    const labels = await renderPartLabels(f.options, SIZE);
    const k = index('freckles');
    const rows: number[] = [];
    labels.forEach((l, p) => {
      if (l === k) rows.push(Math.floor(p / SIZE));
    });
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.length).toBeLessThan(60);
    // Cheeks: the middle band of the picture, never the hair's top or the neck.
    for (const y of rows) {
      expect(y).toBeGreaterThan(SIZE * 0.35);
      expect(y).toBeLessThan(SIZE * 0.75);
    }
  });
});
