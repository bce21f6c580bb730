/**
 * How a stored picture's tiles were made, typed, and its codec for the `params` JSON column.
 * The column keeps the keys it always had ({kind, psi, fill}, and fillVersion where it is not 1;
 * {kind: 'girls', columns, tileTags}, {kind: 'variations', sigma, noiseSeed, of}; {kind:
 * 'refine', round, noiseSeed} is new), so rows written before this type existed read the same: a
 * missing or malformed value reads as what the buttons always assumed (ψ 1, random fill on and
 * of version 1, the picture's own tags, "#1").
 */
import { StoreError } from './errors.ts';
import type { TagWeights } from './tags.ts';

export type PictureParams =
  /**
   * A plain gacha: tile n is seed n under the picture's tags, filled at random by the fill's
   * version `fillVersion` (core/tags-input.ts FillVersion; 1 for rows written before it was kept).
   */
  | { kind: 'gacha'; psi: number; randomFill: boolean; fillVersion: number }
  /** Girls by their z: per-tile tags when they differ from the picture's. */
  | { kind: 'girls'; columns?: number; tileTags?: (TagWeights | undefined)[] }
  /** Variations of one girl (tile 1); `of` names her for the caption. */
  | { kind: 'variations'; of: string; sigma?: number; noiseSeed?: number }
  /** One round of the refine loop (tile 1 is she as she is); only the row's user picks from it. */
  | { kind: 'refine'; round: number; noiseSeed?: number };

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isWeights = (x: unknown): x is TagWeights =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every((v) => typeof v === 'number');

/** The column's JSON for typed params (the keys rows have always had). */
export function encodeParams(p: PictureParams): string {
  switch (p.kind) {
    case 'gacha':
      if (!isNumber(p.psi)) throw new StoreError('invalid_input', `psi must be a finite number, got ${p.psi}`);
      if (!Number.isInteger(p.fillVersion) || p.fillVersion < 1) {
        throw new StoreError('invalid_input', `a fill version must be a whole number ≥ 1, got ${p.fillVersion}`);
      }
      return JSON.stringify({ kind: 'gacha', psi: p.psi, fill: p.randomFill, ...(p.fillVersion !== 1 ? { fillVersion: p.fillVersion } : {}) });
    case 'girls':
      return JSON.stringify({
        kind: 'girls',
        ...(p.columns !== undefined ? { columns: p.columns } : {}),
        ...(p.tileTags ? { tileTags: p.tileTags.map((t) => t ?? null) } : {}),
      });
    case 'variations':
      return JSON.stringify({
        kind: 'variations',
        ...(p.sigma !== undefined ? { sigma: p.sigma } : {}),
        ...(p.noiseSeed !== undefined ? { noiseSeed: p.noiseSeed } : {}),
        of: p.of,
      });
    case 'refine':
      if (!Number.isInteger(p.round) || p.round < 1) throw new StoreError('invalid_input', `a refine round must be a whole number ≥ 1, got ${p.round}`);
      return JSON.stringify({ kind: 'refine', round: p.round, ...(p.noiseSeed !== undefined ? { noiseSeed: p.noiseSeed } : {}) });
  }
}

/** Typed params from the column; never throws on old or partial values (the row is still usable). */
export function decodeParams(json: string): PictureParams {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
  } catch {
    // the schema's CHECK (json_valid) makes this unreachable; read as the defaults
  }
  if (raw.kind === 'variations') {
    return {
      kind: 'variations',
      of: typeof raw.of === 'string' ? raw.of : '#1',
      ...(isNumber(raw.sigma) ? { sigma: raw.sigma } : {}),
      ...(isNumber(raw.noiseSeed) ? { noiseSeed: raw.noiseSeed } : {}),
    };
  }
  if (raw.kind === 'refine' && Number.isInteger(raw.round) && (raw.round as number) >= 1) {
    return { kind: 'refine', round: raw.round as number, ...(isNumber(raw.noiseSeed) ? { noiseSeed: raw.noiseSeed } : {}) };
  }
  if (raw.kind === 'girls') {
    return {
      kind: 'girls',
      ...(isNumber(raw.columns) ? { columns: raw.columns } : {}),
      ...(Array.isArray(raw.tileTags) ? { tileTags: raw.tileTags.map((t) => (isWeights(t) ? t : undefined)) } : {}),
    };
  }
  // Rows from before fill versions existed were drawn by version 1.
  const fillVersion = Number.isInteger(raw.fillVersion) && (raw.fillVersion as number) >= 1 ? (raw.fillVersion as number) : 1;
  return { kind: 'gacha', psi: isNumber(raw.psi) ? raw.psi : 1, randomFill: raw.fill !== false, fillVersion };
}
