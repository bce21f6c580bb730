import { describe, expect, it } from 'vitest';
import { TagVocabulary, normalizeTag } from '../../src/tags/vocabulary.ts';
import { VOCABULARY } from '../../src/tags/default-vocabulary.ts';
import { autocompleteTags } from '../../src/tags/autocomplete.ts';
import { parseTags } from '../../src/tags/parse.ts';

const vocab = new TagVocabulary(VOCABULARY.map((t, i) => ({ ...t, frequency: 0.5 / (1 + i) })));
/** Discord's limits, as the commands pass them: 25 choices of ≤ 100 characters. */
const complete = (query: string, choices = 25) => autocompleteTags(vocab, query, { choices, length: 100 });

function ok(text: string): string[] {
  const r = parseTags(vocab, text);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got: ${r.message}`);
  return r.tags;
}

describe('TagVocabulary lookup and vectors', () => {
  it('GIVEN case, underscore, space and hyphen variants THEN they normalise to one key', () => {
    for (const s of ['Blonde Hair', 'blonde-hair', 'BLONDE_HAIR', ' blonde  hair ', 'ｂｌｏｎｄｅ＿ｈａｉｒ']) {
      expect(normalizeTag(s)).toBe('blonde_hair');
      expect(vocab.lookup(s)?.name).toBe('blonde_hair');
    }
    expect(vocab.lookup('blond hair')?.name).toBe('blonde_hair'); // alias
    expect(vocab.lookup('blondehair')?.name).toBe('blonde_hair'); // separators left out
  });

  it('GIVEN names and weights THEN toVector fills the right slots and namesOf reads them back', () => {
    const v = vocab.toVector(['blonde_hair', '笑顔']);
    expect(v).toHaveLength(48);
    expect(v[0]).toBe(1);
    expect(v[vocab.indexOf('smile')]).toBe(1);
    expect(v.reduce((a, b) => a + b, 0)).toBe(2);
    const w = vocab.toVector({ blonde_hair: 0.3, pink_hair: 0.7 });
    expect(vocab.namesOf(w)).toEqual(['pink_hair']);
    expect(vocab.namesOf(w, 0.2)).toEqual(['blonde_hair', 'pink_hair']);
    expect(() => vocab.toVector(['no_such_tag'])).toThrow(/no_such_tag/);
    expect(() => vocab.toVector({ smile: 1.5 })).toThrow(RangeError);
  });

  it('GIVEN groups() THEN every tag is listed once, under its group, known groups first in order', () => {
    const groups = vocab.groups();
    expect(groups.map((g) => g.group)).toEqual(['hair_color', 'eye_color', 'hairstyle', 'expression', 'face', 'accessories', 'other']);
    expect(groups.reduce((a, g) => a + g.entries.length, 0)).toBe(48);
    expect(groups[0]!.entries[0]).toMatchObject({ name: 'blonde_hair', ja: '金髪' });
  });

  it('GIVEN two tags with one name THEN the vocabulary refuses them', () => {
    expect(
      () =>
        new TagVocabulary([
          { name: 'a', group: 'other' },
          { name: 'a', group: 'face' },
        ]),
    ).toThrow(/duplicate/);
  });
});

describe('TagVocabulary.parse', () => {
  it('GIVEN comma- or whitespace-separated lists in any spelling THEN the canonical tags in typed order', () => {
    expect(ok('blonde_hair, blue_eyes, smile')).toEqual(['blonde_hair', 'blue_eyes', 'smile']);
    expect(ok('blonde_hair blue_eyes smile')).toEqual(['blonde_hair', 'blue_eyes', 'smile']);
    expect(ok('Blonde Hair, Blue Eyes, long hair')).toEqual(['blonde_hair', 'blue_eyes', 'long_hair']);
    expect(ok('BLONDE-HAIR,smile')).toEqual(['blonde_hair', 'smile']);
    expect(ok('blonde hair blue eyes open mouth')).toEqual(['blonde_hair', 'blue_eyes', 'open_mouth']);
    expect(ok('smile, smile, Smile')).toEqual(['smile']);
    expect(ok('')).toEqual([]);
    expect(ok(' , ,, ')).toEqual([]);
  });

  it('GIVEN Japanese names and aliases THEN they are recognised, with or without spaces between them', () => {
    expect(ok('金髪、笑顔、眼鏡')).toEqual(['blonde_hair', 'smile', 'glasses']);
    expect(ok('金髪 笑顔 メガネ')).toEqual(['blonde_hair', 'smile', 'glasses']);
    expect(ok('金髪笑顔')).toEqual(['blonde_hair', 'smile']);
    expect(ok('ﾎﾟﾆﾃ')).toEqual(['ponytail']); // half-width kana alias
  });

  it('GIVEN unknown words THEN ok is false, each is listed with up to 3 suggestions, known tags are kept', () => {
    const r = parseTags(vocab, 'blnde hair, smile, glases, xyzzy');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.tags).toEqual(['smile']);
    expect(r.unknown.map((u) => u.input)).toEqual(['blnde hair', 'glases', 'xyzzy']);
    expect(r.unknown[0]!.suggestions[0]).toBe('blonde_hair');
    expect(r.unknown[1]!.suggestions[0]).toBe('glasses');
    expect(r.unknown[2]!.suggestions).toEqual([]);
    for (const u of r.unknown) expect(u.suggestions.length).toBeLessThanOrEqual(3);
    expect(r.message).toContain('did you mean blonde_hair');
    expect(r.message).toContain('Unknown tag "xyzzy".');
  });

  it('GIVEN a prefix or a Japanese near miss THEN suggestions include prefix matches and Japanese spellings', () => {
    const r = parseTags(vocab, 'twin');
    expect(!r.ok && r.unknown[0]!.suggestions).toContain('twintails');
    const j = parseTags(vocab, '金');
    expect(!j.ok && j.unknown[0]!.suggestions).toEqual(expect.arrayContaining(['blonde_hair']));
  });

  it('GIVEN two hair colours THEN a warning (they mix); GIVEN tags that combine THEN none', () => {
    const r = parseTags(vocab, 'blonde_hair, pink_hair, blue_eyes');
    expect(r.ok).toBe(true);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'several_in_group', group: 'hair_color', tags: ['blonde_hair', 'pink_hair'] });
    expect(r.warnings[0]!.message).toContain('mixed');
    expect(parseTags(vocab, 'smile, open_mouth, glasses, earrings, freckles, tan').warnings).toEqual([]);
    expect(parseTags(vocab, 'head_tilt, white_background').warnings).toEqual([]);
  });

  it('GIVEN tags.json exclusive sets THEN alternatives of one set warn, whatever their group', () => {
    expect(parseTags(vocab, 'smile, frown').warnings[0]).toMatchObject({ group: 'mouth', tags: ['smile', 'frown'] });
    expect(parseTags(vocab, 'white_background, pink_background').warnings[0]?.message).toMatch(/2 backgrounds/);
    expect(parseTags(vocab, 'long_hair, ponytail').warnings[0]?.group).toBe('hairstyle');
  });

  it('GIVEN a vocabulary without exclusive sets THEN groups decide, except expression, accessories, face, other', () => {
    const plain = new TagVocabulary(VOCABULARY.map(({ exclusive: _drop, ...t }) => t));
    expect(parseTags(plain, 'blonde_hair, red_hair').warnings[0]?.group).toBe('hair_color');
    expect(parseTags(plain, 'smile, frown, glasses, earrings, tan, freckles, head_tilt, white_background').warnings).toEqual([]);
    expect(parseTags(plain, 'smile, frown', { multiGroups: [] }).warnings[0]?.group).toBe('expression');
  });

  it('GIVEN hostile input THEN parse returns a result and does not throw', () => {
    for (const text of ['\u0000\u0001', ','.repeat(10000), 'a '.repeat(5000), '🙂🙂', '__--__']) {
      expect(() => parseTags(vocab, text)).not.toThrow();
    }
  });
});

describe('TagVocabulary.autocomplete', () => {
  it('GIVEN an empty query THEN 25 choices, most frequent first', () => {
    const c = complete('');
    expect(c).toHaveLength(25);
    expect(c[0]!.value).toBe('blonde_hair');
    expect(c[0]!.name).toBe('blonde_hair (金髪)');
  });

  it('GIVEN a prefix THEN prefix matches come first', () => {
    const c = complete('blo');
    expect(c[0]!.value).toBe('blonde_hair');
    expect(complete('pon')[0]!.value).toBe('ponytail');
  });

  it('GIVEN the tail of a comma list THEN the last item is completed and the value is the whole list', () => {
    const c = complete('blonde_hair, smi');
    expect(c[0]).toEqual({ name: 'blonde_hair, smile (笑顔)', value: 'blonde_hair, smile' });
    // Tags already in the list are not offered again.
    expect(complete('blonde_hair, ').map((x) => x.value)).not.toContain('blonde_hair, blonde_hair');
  });

  it('GIVEN a space-separated list THEN the last word is completed', () => {
    expect(complete('blonde_hair smi')[0]!.value).toBe('blonde_hair smile');
    expect(complete('blonde ha')[0]!.value).toBe('blonde_hair');
  });

  it('GIVEN Japanese or a typo THEN matches are still found', () => {
    expect(complete('金').map((c) => c.value)).toEqual(expect.arrayContaining(['blonde_hair', 'yellow_eyes']));
    expect(complete('笑')[0]!.value).toBe('smile');
    expect(complete('poyntail')[0]!.value).toBe('ponytail');
  });

  it('GIVEN any query THEN at most 25 choices, names and values ≤ 100 characters', () => {
    const long = `${'blonde_hair, '.repeat(7)}s`;
    for (const q of ['', 'a', '_', long, 'x'.repeat(500)]) {
      const c = complete(q);
      expect(c.length).toBeLessThanOrEqual(25);
      for (const x of c) {
        expect(x.name.length).toBeLessThanOrEqual(100);
        expect(x.value.length).toBeLessThanOrEqual(100);
      }
    }
    expect(complete('', 5)).toHaveLength(5);
  });
});

/** Issue 30 item 8: tags typed with invisible characters, pasted by the thousand, or from other models. */
describe('unknown tags, answered as a user would expect', () => {
  it('GIVEN a zero-width space inside a tag THEN it is the tag', () => {
    expect(ok('blonde\u200b_hair, \u200bsmile\u200d')).toEqual(['blonde_hair', 'smile']);
    expect(ok('金\u200b髪')).toEqual(['blonde_hair']);
  });

  it('GIVEN a tag of only zero-width characters THEN a clear message, not Unknown tag ""', () => {
    const r = parseTags(vocab, 'smile, \u200b\u200b');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.tags).toEqual(['smile']);
    expect(r.unknown).toEqual([{ input: '', reason: 'invisible', suggestions: [] }]);
    expect(r.message).toMatch(/invisible characters/);
    expect(r.message).not.toContain('""');
  });

  it('GIVEN 1,000 characters of unknown tags THEN five of them and a count of the rest, well within 2,000 characters', () => {
    const text = Array.from({ length: 200 }, (_, i) => `nosuchtag${i}`)
      .join(', ')
      .slice(0, 1000);
    const r = parseTags(vocab, text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.unknown.length).toBeGreaterThan(60);
    const lines = r.message.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe(`…and ${r.unknown.length - 5} more words that are not tags of this model.`);
    expect(r.message.length).toBeLessThan(500);
  });

  it('GIVEN one very long unknown word THEN its echo is cut', () => {
    const r = parseTags(vocab, 'x'.repeat(1500));
    expect(!r.ok && r.message.length).toBeLessThan(100);
  });

  it('GIVEN tags of the original that this model lacks THEN "not among this model’s tags", no far-fetched guess', () => {
    for (const [typed, name] of [
      ['blush', 'blush'],
      ['赤面', 'blush'],
      ['hat', 'hat'],
      ['school_uniform', 'school_uniform'],
      ['cat ears', 'animal_ears'],
    ] as const) {
      const r = parseTags(vocab, typed);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.unknown).toEqual([{ input: typed, reason: 'elsewhere', suggestions: [], elsewhere: name }]);
      expect(r.message).toContain('is not among this model’s tags');
      expect(r.message).not.toContain('did you mean');
    }
    const blush = parseTags(vocab, '赤面');
    expect(!blush.ok && blush.message).toBe('"赤面" (blush) is not among this model’s tags.');
  });

  it('GIVEN real typos THEN suggestions stay; GIVEN short words that only look like a tag THEN none', () => {
    const first = (text: string) => {
      const r = parseTags(vocab, text);
      return r.ok ? undefined : r.unknown[0]!.suggestions[0];
    };
    expect(first('smlie')).toBe('smile');
    expect(first('glases')).toBe('glasses');
    expect(first('blonde_hari')).toBe('blonde_hair');
    expect(first('ponytial')).toBe('ponytail');
    expect(first('bleu_eyes')).toBe('blue_eyes');
    expect(first('blonde')).toBe('blonde_hair');
    expect(first('earing')).toBe('earrings');
    expect(first('red')).toMatch(/^red_/);
    expect(first('xyz')).toBeUndefined();
    expect(first('blsh')).toBeUndefined();
    // Two letters changed in a short word is another word, not a typo.
    expect(first('shiny_hair')).toBeUndefined();
  });
});
