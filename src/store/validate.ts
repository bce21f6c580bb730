/** Checks on values before they reach SQL; the schema's CHECKs are the last line. */
import { StoreError } from './errors.ts';
import { FLOAT16_MAX } from '../latent/float16.ts';

/** Discord snowflakes are ≤ 20 digits; 32 leaves room for other id schemes (CLI users). */
export function checkUserId(userId: string): void {
  if (typeof userId !== 'string' || userId.length < 1 || userId.length > 32) {
    throw new StoreError('invalid_input', `user id must be a 1–32 character string, got ${JSON.stringify(userId)}`);
  }
}

export function checkModelId(modelId: string): void {
  if (typeof modelId !== 'string' || modelId.length < 1 || modelId.length > 64) {
    throw new StoreError('invalid_input', `model id must be a 1–64 character string, got ${JSON.stringify(modelId)}`);
  }
}

/** z must be finite and inside float16's range, or it would be stored as Infinity. */
export function checkZ(z: Float32Array): void {
  if (!(z instanceof Float32Array) || z.length < 1 || z.length > 2048) {
    throw new StoreError('invalid_input', `z must be a Float32Array of 1–2048 values`);
  }
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (!Number.isFinite(v) || Math.abs(v) > FLOAT16_MAX) {
      throw new StoreError('invalid_input', `z[${i}] = ${v} cannot be stored as float16`);
    }
  }
}

export const NAME_MAX_CHARS = 32;

/** A character that draws something: not a format/control character, mark, separator or blank filler. */
const VISIBLE = /[^\p{Cf}\p{Cc}\p{M}\p{Z}\s\u115f\u1160\u3164\uffa0\u2800]/u;

export type NameCheck = { ok: true; name: string } | { ok: false; code: 'invalid_name'; message: string };

/**
 * A favourite's display name: trimmed, inner whitespace collapsed, 1–32 characters
 * (code points, as SQLite's length() counts them), no control characters, and at least one
 * visible character: zero-width and other format characters (U+200B, U+FEFF, …),
 * combining marks, separators and the blank "letters" (Hangul fillers, braille blank) do not count.
 */
export function checkName(raw: string): NameCheck {
  const name = raw.replace(/\s+/gu, ' ').trim();
  const chars = [...name].length;
  if (chars > 0 && !VISIBLE.test(name)) {
    return { ok: false, code: 'invalid_name', message: `A name needs at least one visible character (1–${NAME_MAX_CHARS} characters).` };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this pattern looks for
  if (chars === 0 || chars > NAME_MAX_CHARS || /[\u0000-\u001f\u007f]/u.test(name)) {
    return { ok: false, code: 'invalid_name', message: `A name needs 1–${NAME_MAX_CHARS} characters (this one has ${chars}).` };
  }
  return { ok: true, name };
}
