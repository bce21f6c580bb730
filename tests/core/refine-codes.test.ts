import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FALLBACK_SIGMAS,
  REFINE_PARTS,
  choiceOf,
  codedParts,
  middleOf,
  otherChoices,
  partVariations,
  refineRound,
  roundNumbers,
  type RefineModel,
} from '../../src/core/refine-codes.ts';
import { roundToFloat16 } from '../../src/latent/float16.ts';
import { normalQuantile } from '../../src/latent/normal.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { TagVocabulary } from '../../src/tags/vocabulary.ts';

function shippedModel(dir: string): RefineModel & { card: { training?: Record<string, unknown> } } {
  const card = JSON.parse(readFileSync(`models/${dir}/card.json`, 'utf8'));
  const vocabulary = new TagVocabulary(JSON.parse(readFileSync(`models/${dir}/tags.json`, 'utf8')).tags);
  return { card, zDim: card.zDim, vocabulary };
}

const v2 = shippedModel('lorelei128-v2');
const v1 = shippedModel('lorelei64-v1');
const tagsOf = (model: RefineModel, names: string[]) => model.vocabulary.toVector(names);

/** training/code_layer.py quantile_boundaries: sorted Φ⁻¹(k/n) for every n, merged within 1e-3. */
function quantileBoundaries(counts: Iterable<number>): number[] {
  const all = new Set<number>();
  for (const n of counts) for (let k = 1; k < n; k++) all.add(normalQuantile(k / n));
  const out: number[] = [];
  for (const t of [...all].sort((a, b) => a - b)) if (out.length === 0 || t - out[out.length - 1]! > 1e-3) out.push(t);
  return out;
}

/** The indices where two z's differ. */
const changed = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (x, i) => (x === b[i] ? -1 : i)).filter((i) => i >= 0);

describe('the card’s coded parts', () => {
  it('GIVEN the shipped v2 card THEN its variant counts per limiting tag are exactly those its code layer was cut for', () => {
    const parts = codedParts(v2)!;
    expect(Object.keys(parts.factors)).toEqual(['hair', 'eyes', 'eyebrows', 'mouth', 'nose', 'head']);
    expect(Object.keys(parts.draws)).toHaveLength(22);
    const thresholds = (v2.card.training as { net: { code_thresholds: [number, number][] } }).net.code_thresholds;
    const at = (i: number) => thresholds.filter(([j]) => j === i).map(([, t]) => t);
    for (const code of Object.values(parts.factors)) {
      const counts = new Set([code.variants, ...Object.values(code.variantsWith ?? {})]);
      const want = quantileBoundaries(counts);
      const got = at(code.zIndex);
      expect(got).toHaveLength(want.length);
      got.forEach((t, k) => expect(t).toBeCloseTo(want[k]!, 9));
    }
    // The few-choice draws got steps too (≤ 9 choices): their counts match the steps.
    for (const code of Object.values(parts.draws)) {
      if (code.choices > 9) continue;
      const want = quantileBoundaries([code.choices]);
      at(code.zIndex).forEach((t, k) => expect(t).toBeCloseTo(want[k]!, 9));
      expect(at(code.zIndex)).toHaveLength(want.length);
    }
  });

  it('GIVEN the first model’s card (no codes) or a malformed one THEN no coded parts', () => {
    expect(codedParts(v1)).toBeUndefined();
    expect(codedParts({ zDim: 100, card: { training: { factorCodes: { hair: { zIndex: 'x' } } } } })).toBeUndefined();
    expect(codedParts({ zDim: 4, card: { training: { factorCodes: { hair: { zIndex: 7, variants: 3 } } } } })).toBeUndefined();
  });

  it('GIVEN every choice of every code THEN its middle, stored as float16, still chooses it', () => {
    const parts = codedParts(v2)!;
    const counts = new Set<number>();
    for (const c of Object.values(parts.factors)) for (const n of [c.variants, ...Object.values(c.variantsWith ?? {})]) counts.add(n);
    for (const c of Object.values(parts.draws)) counts.add(c.choices);
    for (const n of counts) for (let k = 0; k < n; k++) expect(choiceOf(roundToFloat16(middleOf(k, n)), n)).toBe(k);
  });

  it('GIVEN limiting tags THEN the counts are the ones for those tags, and all variants without them', () => {
    const parts = codedParts(v2)!;
    const hair = (names: string[]) => roundNumbers(parts, 'outline', v2.vocabulary, tagsOf(v2, names))[0]!;
    expect(hair(['ponytail']).choices).toBe(2);
    expect(hair(['short_hair']).choices).toBe(15);
    expect(hair([]).choices).toBe(44);
    const mouth = (names: string[]) => roundNumbers(parts, 'mouth', v2.vocabulary, tagsOf(v2, names))[0]!;
    expect(mouth(['smile', 'open_mouth']).choices).toBe(4);
    expect(mouth(['frown', 'open_mouth']).choices).toBe(4);
    expect(mouth(['frown']).choices).toBe(5);
    // A wink has one eye variant: only the brows move in round 2.
    expect(roundNumbers(parts, 'eyes', v2.vocabulary, tagsOf(v2, ['one_eye_closed'])).map((n) => n.name)).toEqual(['eyebrows']);
    // Tilt and gradient only move when she has them.
    const framing = (names: string[]) => roundNumbers(parts, 'framing', v2.vocabulary, tagsOf(v2, names)).map((n) => n.name);
    expect(framing(['white_background'])).not.toContain('tiltAngle');
    expect(framing(['head_tilt', 'gradient_background'])).toEqual(expect.arrayContaining(['tiltAngle', 'tiltSide', 'gradientFrom', 'gradientAngle', 'scale']));
  });
});

describe('a refine round', () => {
  const girls = [
    ['short_hair', 'blonde_hair', 'blue_eyes', 'smile', 'white_background'],
    ['ponytail', 'red_hair', 'closed_eyes', 'frown', 'open_mouth', 'gradient_background', 'head_tilt'],
    ['twintails', 'pink_hair', 'one_eye_closed', 'smile', 'open_mouth', 'glasses'],
    ['long_hair', 'black_hair', 'green_eyes', 'frown', 'blue_background'],
    ['hair_bun', 'silver_hair', 'aqua_eyes', 'smile', 'earrings', 'hair_flower'],
  ];

  it('GIVEN a coded model THEN every tile moves only that round’s numbers, each into another choice, no two tiles alike', () => {
    const parts = codedParts(v2)!;
    for (const [g, names] of girls.entries()) {
      for (const seed of [1, 2, 3, 77, 4096]) {
        const girl = { z: seedToZ(seed + g * 1000, v2.zDim), tags: tagsOf(v2, names) };
        const her = Float32Array.from(girl.z, roundToFloat16);
        for (const [r, part] of REFINE_PARTS.entries()) {
          const plan = refineRound(v2, girl, r + 1, 5);
          expect(plan.mode).toBe('codes');
          expect(plan.part).toBe(part);
          const numbers = roundNumbers(parts, part, v2.vocabulary, girl.tags);
          const allowed = new Set(numbers.map((n) => n.zIndex));
          expect(plan.zs[0]).toEqual(her);
          const tuples = new Set<string>();
          for (const z of plan.zs.slice(1)) {
            for (const i of changed(z, her)) expect(allowed.has(i)).toBe(true);
            const tuple = numbers.map((n) => choiceOf(roundToFloat16(z[n.zIndex]!), n.choices)).join(',');
            expect(tuple).not.toBe(numbers.map((n) => choiceOf(her[n.zIndex]!, n.choices)).join(','));
            tuples.add(tuple);
          }
          expect(tuples.size).toBe(plan.zs.length - 1);
          // Nine tiles, but for a ponytail or twintails: 2 hair variants × 4 head shapes leave 7 others.
          const few = part === 'outline' && (names.includes('ponytail') || names.includes('twintails'));
          expect(plan.zs).toHaveLength(few ? 8 : 9);
        }
      }
    }
  });

  it('GIVEN a hair code of 15 variants THEN the 8 tiles each show another hair variant (the walk changes it on every tile)', () => {
    const girl = { z: seedToZ(9, v2.zDim), tags: tagsOf(v2, ['short_hair']) };
    const plan = refineRound(v2, girl, 1, 0);
    const hair = new Set(plan.zs.map((z) => choiceOf(roundToFloat16(z[0]!), 15)));
    expect(hair.size).toBe(9);
  });

  it('GIVEN few choices THEN otherChoices falls back to the remaining combinations, never repeating one', () => {
    const numbers = [
      { name: 'a', zIndex: 0, choices: 8 },
      { name: 'b', zIndex: 1, choices: 4 },
    ];
    const out = otherChoices(numbers, [3, 1]);
    expect(out).toHaveLength(8);
    expect(new Set(out.map((t) => t.join(','))).size).toBe(8);
    expect(out.map((t) => t.join(','))).not.toContain('3,1');
    expect(otherChoices([{ name: 'a', zIndex: 0, choices: 2 }], [1])).toEqual([[0]]);
  });

  it('GIVEN a model without codes THEN variations at a σ shrinking round by round, her first, the same for the same noise seed', () => {
    const girl = { z: seedToZ(5, v1.zDim), tags: tagsOf(v1, ['blonde_hair']) };
    const sigmas = [1, 2, 3, 4].map((r) => refineRound(v1, girl, r, 7).sigma);
    expect(sigmas).toEqual([...FALLBACK_SIGMAS]);
    const a = refineRound(v1, girl, 2, 7);
    expect(a.mode).toBe('sigma');
    expect(a.zs).toHaveLength(9);
    expect(a.zs[0]).toEqual(Float32Array.from(girl.z, roundToFloat16));
    expect(refineRound(v1, girl, 2, 7).zs).toEqual(a.zs);
    expect(refineRound(v1, girl, 2, 8).zs[1]).not.toEqual(a.zs[1]);
  });

  it('GIVEN a round outside 1–4 or a z of the wrong size THEN a RangeError', () => {
    const girl = { z: seedToZ(5, v2.zDim), tags: tagsOf(v2, []) };
    expect(() => refineRound(v2, girl, 0, 1)).toThrow(RangeError);
    expect(() => refineRound(v2, girl, 5, 1)).toThrow(RangeError);
    expect(() => refineRound(v2, { ...girl, z: new Float32Array(3) }, 1, 1)).toThrow(RangeError);
  });
});

describe('🔀 variations by part (issue 31)', () => {
  it('GIVEN the shipped cards THEN each variation moves one part’s numbers into another of its looks, the parts in turn, the rest of z exact', () => {
    const v3 = shippedModel('default');
    for (const model of [v2, v3]) {
      const parts = codedParts(model)!;
      for (const [g, names] of [
        ['short_hair', 'smile'],
        ['ponytail', 'frown', 'head_tilt', 'gradient_background'],
        ['one_eye_closed', 'twintails'],
      ].entries()) {
        const girl = { z: seedToZ(300 + g, model.zDim), tags: tagsOf(model, names) };
        const vs = partVariations(model, girl, 16, 42);
        expect(vs.map((v) => v.part)).toEqual([...REFINE_PARTS, ...REFINE_PARTS, ...REFINE_PARTS, ...REFINE_PARTS]);
        const looks = new Set<string>();
        for (const v of vs) {
          const numbers = roundNumbers(parts, v.part, model.vocabulary, girl.tags);
          expect(v.numbers).toEqual(numbers);
          const allowed = new Set(numbers.map((n) => n.zIndex));
          const moved = changed(v.z, girl.z);
          expect(moved.length).toBeGreaterThan(0);
          expect(moved.every((i) => allowed.has(i))).toBe(true);
          const look = (z: ArrayLike<number>) => numbers.map((n) => choiceOf(roundToFloat16(z[n.zIndex]!), n.choices)).join(',');
          expect(look(v.z)).not.toBe(look(girl.z));
          looks.add(`${v.part}:${look(v.z)}`);
        }
        expect(looks.size).toBe(16);
      }
    }
  });

  it('GIVEN the same seed THEN the same variations; another seed THEN other looks', () => {
    const girl = { z: seedToZ(11, v2.zDim), tags: tagsOf(v2, ['long_hair']) };
    const a = partVariations(v2, girl, 8, 1);
    expect(partVariations(v2, girl, 8, 1)).toEqual(a);
    const b = partVariations(v2, girl, 8, 2);
    expect(b.map((v) => v.part)).toEqual(a.map((v) => v.part));
    expect(b.some((v, i) => v.z.join() !== a[i]!.z.join())).toBe(true);
  });

  it('GIVEN a part with no other look for her tags, or none left THEN the walk passes it over; a model without codes THEN none', () => {
    const model: RefineModel = {
      zDim: v2.zDim,
      vocabulary: v2.vocabulary,
      card: {
        training: {
          factorCodes: {
            hair: { zIndex: 0, variants: 5 },
            eyes: { zIndex: 1, variants: 4, limitedBy: ['one_eye_closed'], variantsWith: { one_eye_closed: 1 } },
            mouth: { zIndex: 3, variants: 3 },
          },
        },
      },
    };
    const winking = { z: seedToZ(3, v2.zDim), tags: tagsOf(v2, ['one_eye_closed']) };
    // Eyes: one look with one_eye_closed; framing: no codes. Mouth has 2 other looks, hair 4.
    expect(partVariations(model, winking, 8, 5).map((v) => v.part)).toEqual(['outline', 'mouth', 'outline', 'mouth', 'outline', 'outline']);
    const open = { z: seedToZ(3, v2.zDim), tags: tagsOf(v2, []) };
    expect(partVariations(model, open, 4, 5).map((v) => v.part)).toEqual(['outline', 'eyes', 'mouth', 'outline']);
    expect(partVariations(v1, { z: seedToZ(3, v1.zDim), tags: tagsOf(v1, []) }, 8, 5)).toEqual([]);
    expect(() => partVariations(v2, { ...open, z: new Float32Array(3) }, 8, 5)).toThrow(RangeError);
  });
});
