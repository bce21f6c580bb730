/** Bounds on what one request may ask for; the bot and the CLI validate against these. */
import { UserError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';

export const LIMITS = {
  gachaCount: { min: 1, max: 25, default: 9 },
  steps: { min: 2, max: 16, default: 7 },
  variations: { min: 2, max: 16, default: 8 },
  blendGrid: { min: 2, max: 7, default: 5 },
  restyleColumns: { max: 10 },
  restyleRows: { max: 6 },
  psi: { min: 0.3, max: 1.5, default: 1.0 },
  sigma: { min: 0.05, max: 1.5, default: 0.35 },
} as const;

/** `value` (default when undefined) as an integer within [min, max], else a UserError naming the field. */
export function intInRange(value: number | undefined, range: { min: number; max: number; default?: number }, what: string): number {
  const v = value ?? range.default;
  if (v === undefined || !Number.isInteger(v) || v < range.min || v > range.max) {
    throw new UserError(
      'bad_number',
      `${what} must be a whole number from ${range.min} to ${range.max}${value === undefined ? '' : ` (got ${value})`}.`,
      errorDetail(value === undefined ? 'number.whole' : 'number.whole_got', { what, min: range.min, max: range.max, got: String(value) }),
    );
  }
  return v;
}

export function numberInRange(value: number | undefined, range: { min: number; max: number; default: number }, what: string): number {
  const v = value ?? range.default;
  if (!Number.isFinite(v) || v < range.min || v > range.max) {
    throw new UserError(
      'bad_number',
      `${what} must be a number from ${range.min} to ${range.max} (got ${value}).`,
      errorDetail('number.range', { what, min: range.min, max: range.max, got: String(value) }),
    );
  }
  return v;
}

/** An integer seed in [0, 2^32), or a UserError. */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UserError('bad_number', `A seed is a whole number from 0 to 4294967295 (got ${seed}).`, errorDetail('number.seed', { got: String(seed) }));
  }
  return seed;
}
