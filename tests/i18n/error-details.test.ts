/** Issue 30 item 11: every error the inner rooms throw with a detail has its Japanese sentence. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detailText } from '../../src/bot/error-text.ts';
import { en } from '../../src/i18n/en.ts';
import { ERROR_DETAILS_JA } from '../../src/i18n/error-details.ts';
import { ja } from '../../src/i18n/ja.ts';
import { decodeShareCode } from '../../src/latent/share-code.ts';
import { ShareCodeError } from '../../src/latent/errors.ts';
import { intInRange, LIMITS } from '../../src/core/limits.ts';
import { UserError } from '../../src/core/errors.ts';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function thrownKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const e of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const file = path.join(e.parentPath, e.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/errorDetail\(\s*([^,)]+)/g)) {
      // A key chosen at run time ("a ? 'x' : 'y'") names each of its keys in quotes.
      for (const q of m[1]!.matchAll(/'([a-z_.]+)'/g)) keys.set(q[1]!, path.relative(SRC, file));
    }
  }
  return keys;
}

const caught = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
};

describe('Japanese bodies of core errors', () => {
  it('GIVEN every errorDetail key in src/ THEN ERROR_DETAILS_JA has its sentence', () => {
    const keys = thrownKeys();
    expect(keys.size).toBeGreaterThan(25);
    const missing = [...keys].filter(([k]) => !(k in ERROR_DETAILS_JA)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
  });

  it('GIVEN a share code with a foreign character THEN Japanese says why; English keeps the message', () => {
    const e = caught(() => decodeShareCode('not a code!', { zDim: 4, numTags: 2 }));
    expect(e).toBeInstanceOf(ShareCodeError);
    expect(detailText(e, 'ja')).toBe('これは共有コードではありません。コードには使われない文字が入っています。');
    expect(detailText(e, 'en')).toBe(e.message);
  });

  it('GIVEN a number out of range THEN the Japanese names the field in Japanese and fills every value', () => {
    const e = caught(() => intInRange(99, LIMITS.steps, 'The number of steps'));
    expect(e).toBeInstanceOf(UserError);
    expect(detailText(e, 'ja')).toBe('ステップ数は 2〜16 の整数です（99 が指定されました）。');
    for (const template of Object.values(ERROR_DETAILS_JA)) expect(template.replace(/\{\w+\}/g, '')).not.toMatch(/[A-Za-z]{5,}/);
  });

  it('GIVEN the unknown-tag sentences THEN English and Japanese use the same placeholders', () => {
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en).filter((k) => k.startsWith('tags.unknown.')) as (keyof typeof en)[]) {
      expect(vars(ja[key]), key).toEqual(vars(en[key]));
    }
  });
});
