/**
 * Keeps an attachment under an upload limit by re-rendering: first with stronger
 * compression at the same tile size, then with smaller tiles.
 */
import type { Compression } from './compose.ts';

/** Discord's default per-attachment limit (interactions report their own in `attachment_size_limit`). */
export const DISCORD_ATTACHMENT_LIMIT_BYTES = 10 * 1024 * 1024;

export interface SizeStep {
  /** Display tile width in px to render at. */
  tileSize: number;
  compression: Compression;
}

export type FitResult =
  | { ok: true; buffer: Buffer; step: SizeStep; tries: number }
  | { ok: false; code: 'too_large'; message: string; limitBytes: number; smallestBytes: number };

export interface FitOptions {
  /** The tile size a render would use unconstrained (e.g. 128). */
  tileSize: number;
  /** Smallest tile size worth sending; below it faces are unrecognisable. Default 48. */
  minTileSize?: number;
}

const floor8 = (x: number): number => Math.floor(x / 8) * 8;

/** "10 MiB", "1.5 MiB", "256 KiB", "97.7 KiB", "512 bytes": a unit that keeps small limits readable. */
export function formatBytes(bytes: number): string {
  const oneDecimal = (x: number) => x.toFixed(1).replace(/\.0$/, '');
  if (bytes < 1024) return `${Math.round(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${oneDecimal(bytes / 1024)} KiB`;
  return `${oneDecimal(bytes / 1024 / 1024)} MiB`;
}

/**
 * Calls `render` with successively cheaper steps until its output is at most `limitBytes`.
 * Encoded size grows with pixel count (∝ tileSize²), so each shrink jumps to the size
 * predicted to fit (with 5 % slack) instead of walking down in small steps.
 */
export async function fitUnderLimit(render: (step: SizeStep) => Promise<Buffer>, limitBytes: number, opts: FitOptions): Promise<FitResult> {
  const minTile = Math.max(8, opts.minTileSize ?? 48);
  let step: SizeStep = { tileSize: opts.tileSize, compression: 'default' };
  let smallest = Infinity;
  for (let tries = 1; ; tries++) {
    const buffer = await render(step);
    smallest = Math.min(smallest, buffer.length);
    if (buffer.length <= limitBytes) return { ok: true, buffer, step, tries };
    if (step.compression === 'default') {
      step = { ...step, compression: 'strong' };
      continue;
    }
    if (step.tileSize <= minTile) break;
    const predicted = floor8(step.tileSize * Math.sqrt(limitBytes / buffer.length) * 0.95);
    const next = Math.max(minTile, Math.min(predicted, floor8(step.tileSize * 0.9)));
    if (next >= step.tileSize) break;
    step = { tileSize: next, compression: 'strong' };
  }
  return {
    ok: false,
    code: 'too_large',
    message: `This picture is too large to send (${formatBytes(smallest)} at the smallest size; the limit is ${formatBytes(limitBytes)}). Try fewer images.`,
    limitBytes,
    smallestBytes: smallest,
  };
}
