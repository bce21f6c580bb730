import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../src/core/catalog.ts';
import { describeTags } from '../../src/core/girl.ts';
import { tagSetsOf } from '../../src/core/tag-sets.ts';
import { fillSetsAtRandom, fillTypicalSets, keepOwnInEmptySets, mergeTags, resolveTags } from '../../src/core/tags-input.ts';
import { TagVocabulary, type TagSpec } from '../../src/tags/vocabulary.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { sameArray, userErrorOf } from './helpers.ts';

function modelOf(specs: TagSpec[]): ModelEntry {
  const vocabulary = new TagVocabulary(specs);
  const card = { id: 'm', name: 'm' } as ModelEntry['card'];
  return { id: 'm', formerIds: [], dir: '/models/m', card, name: 'm', zDim: 4, imageSize: 16, numTags: vocabulary.size, vocabulary, ...tagSetsOf(vocabulary) };
}

const model = modelOf([
  { name: 'red_hair', group: 'hair_color', exclusive: 'hair', frequency: 0.5 },
  { name: 'never_hair', group: 'hair_color', exclusive: 'hair', frequency: 0 },
  { name: 'blue_hair', group: 'hair_color', exclusive: 'hair', frequency: 0.5 },
  { name: 'x_background', group: 'other', exclusive: 'background' },
  { name: 'y_background', group: 'other', exclusive: 'background' },
  { name: 'z_background', group: 'other', exclusive: 'background' },
  { name: 'glasses', group: 'accessories', frequency: 0.2 },
]);

const drawnBy = (chosen: Float32Array, seeds: number) => {
  const counts = new Map<string, number>();
  for (let s = 0; s < seeds; s++) {
    for (const n of model.vocabulary.namesOf(fillSetsAtRandom(model, chosen, s))) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
};

describe('random fill of exclusive sets', () => {
  it('GIVEN nothing named THEN each set gets exactly one tag and tags outside sets none', () => {
    for (let s = 0; s < 50; s++) {
      const names = model.vocabulary.namesOf(fillSetsAtRandom(model, new Float32Array(7), s));
      expect(names.filter((n) => n.endsWith('_hair'))).toHaveLength(1);
      expect(names.filter((n) => n.endsWith('_background'))).toHaveLength(1);
      expect(names).not.toContain('glasses');
    }
  });

  it('GIVEN a tag no training image had (frequency 0) THEN the fill never draws it, but draws the others of its set', () => {
    const counts = drawnBy(new Float32Array(7), 300);
    expect(counts.get('never_hair') ?? 0).toBe(0);
    expect(counts.get('red_hair')).toBeGreaterThan(90);
    expect(counts.get('blue_hair')).toBeGreaterThan(90);
  });

  it('GIVEN a set whose frequencies are all unknown THEN every member is drawn now and then', () => {
    const counts = drawnBy(new Float32Array(7), 300);
    for (const n of ['x_background', 'y_background', 'z_background']) expect(counts.get(n)).toBeGreaterThan(60);
  });

  it('GIVEN a set the user named, even at a fractional weight THEN it is left as it is', () => {
    const chosen = model.vocabulary.toVector({ blue_hair: 0.3, y_background: 1 });
    for (let s = 0; s < 30; s++) {
      const out = fillSetsAtRandom(model, chosen, s);
      expect(sameArray(out, chosen)).toBe(true);
    }
    expect(chosen[model.vocabulary.indexOf('blue_hair')]).toBeCloseTo(0.3);
  });

  it('GIVEN the same seed THEN the same fill, and the input vector untouched', () => {
    const chosen = model.vocabulary.toVector(['glasses']);
    const a = fillSetsAtRandom(model, chosen, 1234);
    expect(sameArray(a, fillSetsAtRandom(model, chosen, 1234))).toBe(true);
    expect(model.vocabulary.namesOf(chosen)).toEqual(['glasses']);
  });
});

describe('random fill of optional sets (version 2: the skin tones)', () => {
  const skin = modelOf([
    { name: 'red_hair', group: 'hair_color', exclusive: 'hair', frequency: 0.5 },
    { name: 'blue_hair', group: 'hair_color', exclusive: 'hair', frequency: 0.5 },
    { name: 'pale_skin', group: 'face', frequency: 0.2 },
    { name: 'tan', group: 'face', frequency: 0.2 },
    { name: 'dark_skin', group: 'face', frequency: 0.2 },
    { name: 'freckles', group: 'face', frequency: 0.2 },
  ]);
  const tones = ['pale_skin', 'tan', 'dark_skin'];
  const none = new Float32Array(skin.vocabulary.size);

  it("GIVEN the default vocabulary's skin tones THEN they form one optional set; a model with only some of them has none", () => {
    expect([...skin.optionalSets]).toEqual([['skin_tone', tones]]);
    expect(modelOf([{ name: 'tan', group: 'face', frequency: 0.5 }]).optionalSets.size).toBe(0);
  });

  it('GIVEN no skin named THEN version 2 draws at most one tone, each by its frequency and none for the rest', () => {
    const counts = new Map<string, number>();
    for (let s = 0; s < 2000; s++) {
      const names = skin.vocabulary.namesOf(fillSetsAtRandom(skin, none, s, 2));
      const drawn = names.filter((n) => tones.includes(n));
      expect(drawn.length).toBeLessThanOrEqual(1);
      counts.set(drawn[0] ?? 'none', (counts.get(drawn[0] ?? 'none') ?? 0) + 1);
      expect(names).not.toContain('freckles');
    }
    // 20 % each, 40 % none: 400 / 800 of 2000, give or take five standard deviations.
    for (const t of tones) expect(counts.get(t)).toBeGreaterThan(310);
    for (const t of tones) expect(counts.get(t)).toBeLessThan(490);
    expect(counts.get('none')).toBeGreaterThan(690);
    expect(counts.get('none')).toBeLessThan(910);
  });

  it('GIVEN a seed THEN version 2 draws what version 1 drew and at most a skin tone more; version 1 draws no skin', () => {
    for (let s = 0; s < 200; s++) {
      const v1 = skin.vocabulary.namesOf(fillSetsAtRandom(skin, none, s, 1));
      const v2 = skin.vocabulary.namesOf(fillSetsAtRandom(skin, none, s, 2));
      expect(v1.filter((n) => tones.includes(n))).toEqual([]);
      expect(v2.filter((n) => !tones.includes(n))).toEqual(v1);
    }
  });

  it('GIVEN a skin tone named THEN no other is added', () => {
    const dark = skin.vocabulary.toVector(['dark_skin']);
    for (let s = 0; s < 100; s++) expect(skin.vocabulary.namesOf(fillSetsAtRandom(skin, dark, s)).filter((n) => tones.includes(n))).toEqual(['dark_skin']);
  });
});

describe('tag text', () => {
  it('GIVEN tags in any spelling THEN the canonical names and vector', () => {
    const r = resolveTags(model, 'Red Hair, GLASSES');
    expect(r.names).toEqual(['red_hair', 'glasses']);
    expect(model.vocabulary.namesOf(r.vector)).toEqual(['red_hair', 'glasses']);
  });

  it('GIVEN nothing THEN no tags', () => {
    expect(resolveTags(model, undefined).names).toEqual([]);
    expect(resolveTags(model, '  ').names).toEqual([]);
  });

  it('GIVEN an unknown word THEN UserError unknown_tags naming it', async () => {
    expect(await userErrorOf(() => resolveTags(model, 'red_hair, glases'), 'unknown_tags')).toContain('glases');
  });

  it('GIVEN fractional tags THEN describeTags shows their weights, whole ones by name', () => {
    const v = model.vocabulary.toVector({ red_hair: 1, blue_hair: 0.25, glasses: 0.001 });
    expect(describeTags(model.vocabulary, v)).toBe('red_hair, blue_hair×0.25');
    expect(describeTags(model.vocabulary, new Float32Array(7))).toBe('(no tags)');
  });
});

describe('random fill and z', () => {
  it('GIVEN 400 gacha seeds THEN the hair colour drawn does not follow the girl’s z: a colour drawn half the time turns up among both the smallest and the largest |z₀, z₁|', () => {
    const seeds = Array.from({ length: 400 }, (_, i) => 10_000 + i);
    const radius = (s: number) => {
      const z = seedToZ(s, 4);
      return Math.hypot(z[0]!, z[1]!);
    };
    const byRadius = [...seeds].sort((a, b) => radius(a) - radius(b));
    const red = model.vocabulary.indexOf('red_hair');
    const isRed = (s: number) => fillSetsAtRandom(model, new Float32Array(7), s)[red] === 1;
    const small = byRadius.slice(0, 200).filter(isRed).length;
    const large = byRadius.slice(200).filter(isRed).length;
    expect(small).toBeGreaterThan(60);
    expect(large).toBeGreaterThan(60);
  });
});

describe('hidden sets (tags.json hides: no eye colour behind closed eyes or sunglasses)', () => {
  const eyes = modelOf([
    { name: 'blue_eyes', group: 'eye_color', exclusive: 'eye_color', frequency: 0.5 },
    { name: 'red_eyes', group: 'eye_color', exclusive: 'eye_color', frequency: 0.5 },
    { name: 'x_background', group: 'other', exclusive: 'background', frequency: 0.5 },
    { name: 'y_background', group: 'other', exclusive: 'background', frequency: 0.5 },
    { name: 'closed_eyes', group: 'expression', hides: ['eye_color'], frequency: 0.1 },
    { name: 'sunglasses', group: 'accessories', hides: ['eye_color'], frequency: 0.1 },
    { name: 'smile', group: 'expression', frequency: 0.6 },
  ]);
  const vec = (...names: string[]) => eyes.vocabulary.toVector(names);
  const names = (v: Float32Array) => eyes.vocabulary.namesOf(v);

  it('GIVEN closed_eyes THEN the gacha fill leaves the eye colour empty and fills the other sets as it did without hides', () => {
    const plain = modelOf(eyes.vocabulary.toSpecs().map(({ hides: _, ...spec }) => spec));
    for (let s = 0; s < 40; s++) {
      const filled = names(fillSetsAtRandom(eyes, vec('closed_eyes'), s));
      expect(filled.filter((n) => n.endsWith('_eyes') && n !== 'closed_eyes')).toEqual([]);
      const before = plain.vocabulary.namesOf(fillSetsAtRandom(plain, vec('closed_eyes'), s));
      expect(filled.filter((n) => n.endsWith('_background'))).toEqual(before.filter((n) => n.endsWith('_background')));
    }
    expect(names(fillSetsAtRandom(eyes, vec('smile'), 3)).some((n) => n === 'blue_eyes' || n === 'red_eyes')).toBe(true);
  });

  it('GIVEN a girl with blue eyes WHEN closed_eyes or sunglasses are named THEN her eye colour goes and the rest stays', () => {
    expect(names(mergeTags(eyes, vec('blue_eyes', 'smile', 'x_background'), ['closed_eyes']))).toEqual(['x_background', 'closed_eyes', 'smile']);
    expect(names(mergeTags(eyes, vec('red_eyes', 'x_background'), ['sunglasses']))).toEqual(['x_background', 'sunglasses']);
  });

  it('GIVEN a girl with closed eyes WHEN an eye colour is named THEN her eyes open; named together both stay, with a warning', () => {
    expect(names(mergeTags(eyes, vec('closed_eyes', 'smile'), ['blue_eyes']))).toEqual(['blue_eyes', 'smile']);
    expect(names(mergeTags(eyes, vec('sunglasses', 'closed_eyes'), ['red_eyes', 'sunglasses']))).toEqual(['red_eyes', 'sunglasses']);
    const typed = resolveTags(eyes, 'closed eyes, blue eyes');
    expect(typed.names).toEqual(['closed_eyes', 'blue_eyes']);
    expect(typed.warnings.map((w) => [w.code, w.tags])).toEqual([['hidden', ['closed_eyes', 'blue_eyes']]]);
    expect(typed.warnings[0]!.message).toBe('closed_eyes hides the eye color, so blue_eyes will barely show.');
    expect(resolveTags(eyes, 'closed eyes, smile').warnings).toEqual([]);
  });

  it('GIVEN a vocabulary round trip THEN hides is kept, and tags without it have none', () => {
    const again = new TagVocabulary(eyes.vocabulary.toSpecs());
    expect(again.lookup('sunglasses')!.hides).toEqual(['eye_color']);
    expect(again.lookup('smile')!.hides).toEqual([]);
    expect(again.toSpecs().find((s) => s.name === 'smile')).not.toHaveProperty('hides');
  });
});

describe('required groups are never left empty (issue 30 item 5)', () => {
  const eyes = modelOf([
    { name: 'red_hair', group: 'hair_color', exclusive: 'hair', frequency: 0.3 },
    { name: 'blue_hair', group: 'hair_color', exclusive: 'hair', frequency: 0.6 },
    { name: 'green_eyes', group: 'eye_color', exclusive: 'eye_color', frequency: 0.2 },
    { name: 'red_eyes', group: 'eye_color', exclusive: 'eye_color', frequency: 0.1 },
    { name: 'sunglasses', group: 'accessories', hides: ['eye_color'], frequency: 0.1 },
    { name: 'glasses', group: 'accessories', frequency: 0.2 },
  ]);
  const v = (names: string[]) => eyes.vocabulary.toVector(names);
  const names = (tags: Float32Array) => describeTags(eyes.vocabulary, tags);

  it('GIVEN tags that replace hers and leave the eye colour empty THEN her eye colour stays; her extras go', () => {
    expect(names(keepOwnInEmptySets(eyes, v(['red_hair', 'red_eyes', 'glasses']), v(['blue_hair'])))).toBe('blue_hair, red_eyes');
  });

  it('GIVEN tags with sunglasses THEN the hidden eye colour is not brought back', () => {
    expect(names(keepOwnInEmptySets(eyes, v(['red_hair', 'red_eyes']), v(['sunglasses'])))).toBe('red_hair, sunglasses');
  });

  it('GIVEN no random fill THEN each empty group gets its most common tag, the same whatever the seed', () => {
    expect(names(fillTypicalSets(eyes, v(['glasses'])))).toBe('blue_hair, green_eyes, glasses');
    expect(names(fillTypicalSets(eyes, v(['red_hair', 'sunglasses'])))).toBe('red_hair, sunglasses');
  });
});
