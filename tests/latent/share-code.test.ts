import { describe, expect, it } from 'vitest';
import { ShareCodeError } from '../../src/latent/errors.ts';
import { crc32, decodeShareCode, encodeShareCode, peekShareCode } from '../../src/latent/share-code.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';

const expectation = { zDim: 100, numTags: 48 };

function binaryTags(...indices: number[]): Float32Array {
  const t = new Float32Array(48);
  for (const i of indices) t[i] = 1;
  return t;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ShareCodeError) return e.code;
    throw e;
  }
  return undefined;
}

describe('share codes', () => {
  const z = seedToZ(42);
  const code = encodeShareCode({ modelId: 'default', z, tags: binaryTags(0, 12, 27) });

  it('GIVEN z and 0/1 tags THEN the round trip keeps z within float16 precision and tags exactly, in ≈ 300 URL-safe characters', () => {
    expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(code.length).toBeLessThanOrEqual(300);
    const back = decodeShareCode(code, { ...expectation, modelId: 'default' });
    expect(back.modelId).toBe('default');
    for (let i = 0; i < 100; i++) expect(Math.abs(back.z[i]! - z[i]!)).toBeLessThanOrEqual(Math.abs(z[i]!) * 2 ** -11 + 1e-7);
    expect(Array.from(back.tags)).toEqual(Array.from(binaryTags(0, 12, 27)));
  });

  it('GIVEN fractional morph tags THEN each comes back within 1/255', () => {
    for (const tags of [
      Float32Array.from({ length: 48 }, (_, i) => (i % 5 === 0 ? i / 48 : 0)), // few → sparse
      Float32Array.from({ length: 48 }, (_, i) => ((i * 37) % 100) / 99), // many → dense
    ]) {
      const back = decodeShareCode(encodeShareCode({ modelId: 'm', z, tags }), expectation);
      for (let i = 0; i < 48; i++) expect(Math.abs(back.tags[i]! - tags[i]!)).toBeLessThanOrEqual(1 / 255);
    }
  });

  it('GIVEN a code with line breaks and spaces from chat THEN it still decodes', () => {
    const wrapped = `  ${code.slice(0, 50)}\n${code.slice(50, 120)} ${code.slice(120)}\n`;
    expect(decodeShareCode(wrapped, expectation).z).toEqual(decodeShareCode(code, expectation).z);
  });

  it('GIVEN any single character changed THEN the code is rejected as corrupt', () => {
    for (const pos of [0, 1, 5, 40, 150, code.length - 2, code.length - 1]) {
      const c = code[pos]!;
      const flipped = code.slice(0, pos) + (c === 'A' ? 'B' : 'A') + code.slice(pos + 1);
      expect(
        codeOf(() => decodeShareCode(flipped, expectation)),
        `position ${pos}`,
      ).toBe('corrupt');
    }
  });

  it('GIVEN the last character changed only in the bits base64 leaves unused THEN corrupt too', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const code = encodeShareCode({ modelId: 'default2', z, tags: binaryTags(0) });
    const bytes = Buffer.from(code, 'base64url').length;
    expect(bytes % 3).not.toBe(0); // the code's last character carries padding bits
    const last = alphabet.indexOf(code[code.length - 1]!);
    const sibling = code.slice(0, -1) + alphabet[last ^ 1]!;
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(code, 'base64url')); // same bytes…
    expect(codeOf(() => decodeShareCode(sibling, expectation))).toBe('corrupt'); // …still refused
  });

  it('GIVEN a truncated code THEN it is rejected with a message asking to copy it again', () => {
    for (const cut of [1, 2, 3, 4, 10, 200]) {
      const short = code.slice(0, code.length - cut);
      const err = (() => {
        try {
          decodeShareCode(short, expectation);
        } catch (e) {
          return e as ShareCodeError;
        }
        throw new Error('accepted a truncated code');
      })();
      expect(err).toBeInstanceOf(ShareCodeError);
      expect(['corrupt', 'bad_length']).toContain(err.code);
      expect(err.message).toMatch(/incomplete|damaged/);
    }
  });

  it('GIVEN a code of another model THEN wrong_model names that model', () => {
    const other = encodeShareCode({ modelId: 'winter-2027', z, tags: binaryTags(1) });
    try {
      decodeShareCode(other, { ...expectation, modelId: 'default' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShareCodeError);
      expect((e as ShareCodeError).code).toBe('wrong_model');
      expect((e as ShareCodeError).modelId).toBe('winter-2027');
      expect((e as ShareCodeError).message).toContain('winter-2027');
    }
    expect(peekShareCode(other)).toEqual({ modelId: 'winter-2027', zDim: 100, numTags: 48 });
  });

  it('GIVEN a model with other widths THEN bad_length', () => {
    expect(codeOf(() => decodeShareCode(code, { zDim: 128, numTags: 48 }))).toBe('bad_length');
    expect(codeOf(() => decodeShareCode(code, { zDim: 100, numTags: 40 }))).toBe('bad_length');
  });

  it('GIVEN garbage THEN corrupt or bad_length, never a crash or a wrong girl', () => {
    expect(codeOf(() => decodeShareCode('hello world, this is not a code!', expectation))).toBe('corrupt');
    expect(codeOf(() => decodeShareCode('', expectation))).toBe('bad_length');
    expect(codeOf(() => decodeShareCode('💖💖💖', expectation))).toBe('corrupt');
    const random = Buffer.from(Uint8Array.from({ length: 222 }, (_, i) => (i * 97 + 13) & 0xff)).toString('base64url');
    expect(codeOf(() => decodeShareCode(random, expectation))).toBe('corrupt');
  });

  it('GIVEN a well-formed code of a future version THEN unsupported_version', () => {
    const bytes = new Uint8Array(Buffer.from(code, 'base64url'));
    bytes[0] = 2;
    const body = bytes.subarray(0, bytes.length - 4);
    new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(body), true);
    expect(codeOf(() => decodeShareCode(Buffer.from(bytes).toString('base64url'), expectation))).toBe('unsupported_version');
  });

  it('GIVEN crc32 THEN it matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('share code length (issue 30 item 12)', () => {
  it('GIVEN 120 kB of base64url THEN corrupt, saying it is too long, without decoding it', () => {
    const huge = 'A'.repeat(120_000);
    expect(codeOf(() => peekShareCode(huge))).toBe('corrupt');
    expect(() => peekShareCode(huge)).toThrow(/too long/);
  });
});
