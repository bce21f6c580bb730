import { describe, expect, it } from 'vitest';
import { decodeParams, encodeParams, type PictureParams } from '../../src/store/picture-params.ts';

describe('stored picture params', () => {
  it('GIVEN params columns as rows before the typed codec wrote them THEN they read as the buttons always read them', () => {
    expect(decodeParams('{"kind":"gacha","psi":0.7,"fill":false}')).toEqual({ kind: 'gacha', psi: 0.7, randomFill: false, fillVersion: 1 });
    expect(decodeParams('{"kind":"gacha","psi":1,"fill":true}')).toEqual({ kind: 'gacha', psi: 1, randomFill: true, fillVersion: 1 });
    expect(decodeParams('{}')).toEqual({ kind: 'gacha', psi: 1, randomFill: true, fillVersion: 1 });
    expect(decodeParams('{"kind":"variations","sigma":0.35,"noiseSeed":12,"of":"tile 2 (seed 7)"}')).toEqual({
      kind: 'variations',
      sigma: 0.35,
      noiseSeed: 12,
      of: 'tile 2 (seed 7)',
    });
    expect(decodeParams('{"kind":"variations"}')).toEqual({ kind: 'variations', of: '#1' });
    expect(decodeParams('{"kind":"girls","columns":5,"tileTags":[{"smile":1},"junk",{"frown":0.5}]}')).toEqual({
      kind: 'girls',
      columns: 5,
      tileTags: [{ smile: 1 }, undefined, { frown: 0.5 }],
    });
  });

  it('GIVEN typed params THEN the column holds the keys old rows have, and reads back the same', () => {
    const cases: [PictureParams, string][] = [
      [{ kind: 'gacha', psi: 0.8, randomFill: false, fillVersion: 1 }, '{"kind":"gacha","psi":0.8,"fill":false}'],
      [{ kind: 'gacha', psi: 1, randomFill: true, fillVersion: 2 }, '{"kind":"gacha","psi":1,"fill":true,"fillVersion":2}'],
      [{ kind: 'girls', columns: 4 }, '{"kind":"girls","columns":4}'],
      [{ kind: 'variations', sigma: 0.35, noiseSeed: 3, of: '#1' }, '{"kind":"variations","sigma":0.35,"noiseSeed":3,"of":"#1"}'],
    ];
    for (const [params, json] of cases) {
      expect(encodeParams(params)).toBe(json);
      expect(decodeParams(json)).toEqual(params);
    }
  });

  it('GIVEN a gacha row without a fill version, or a malformed one THEN it reads as version 1; a bad one is refused on write', () => {
    expect(decodeParams('{"kind":"gacha","psi":1,"fill":true}')).toEqual({ kind: 'gacha', psi: 1, randomFill: true, fillVersion: 1 });
    expect(decodeParams('{"kind":"gacha","psi":1,"fill":true,"fillVersion":"2"}')).toMatchObject({ fillVersion: 1 });
    expect(decodeParams('{"kind":"gacha","psi":1,"fill":true,"fillVersion":0}')).toMatchObject({ fillVersion: 1 });
    expect(() => encodeParams({ kind: 'gacha', psi: 1, randomFill: true, fillVersion: 0.5 })).toThrow(/fill version/);
  });

  it('GIVEN a refine round THEN its round and noise seed round-trip, and a malformed round reads as a plain picture', () => {
    expect(encodeParams({ kind: 'refine', round: 2, noiseSeed: 9 })).toBe('{"kind":"refine","round":2,"noiseSeed":9}');
    expect(decodeParams('{"kind":"refine","round":3}')).toEqual({ kind: 'refine', round: 3 });
    expect(decodeParams('{"kind":"refine","round":0}')).toEqual({ kind: 'gacha', psi: 1, randomFill: true, fillVersion: 1 });
    expect(() => encodeParams({ kind: 'refine', round: 1.5 })).toThrow(/refine round/);
  });
});
