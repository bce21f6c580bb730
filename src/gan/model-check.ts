/**
 * Whether a model's network draws what it should, from one fixed probe batch run at load:
 * its output must be finite and not near-constant (a broken export draws NaN or a flat, near-
 * black square), and model.onnx must draw what the tfjs weights draw. The probe's "fingerprint"
 * (the mean of each channel over a 4 × 4 grid of blocks, per probe row) is compared with the
 * one card.json records (`probe`, written from the tfjs weights by `npm run model:fingerprint`),
 * else with the tfjs model's own output on the same probe.
 */
import { z } from 'zod';

/** Version of the probe input and fingerprint layout; a card with another version is not compared. */
export const PROBE_VERSION = 1;
/** Rows of the probe batch: one untagged girl, one with every fifth tag set. */
export const PROBE_ROWS = 2;
const GRID = 4;
/**
 * Largest difference of one block mean (tanh units, [-1, 1]) between two runtimes of one
 * network. ONNX Runtime and tfjs differ by at most 1/255 per pixel on the bundled models; another
 * network, or weights gone wrong, by tenths.
 */
export const FINGERPRINT_TOLERANCE = 0.03;
/** Below this standard deviation (tanh units) an image is flat: a face has edges, hair and eyes. */
const FLAT_STD = 0.02;

export const probeSchema = z.object({ version: z.number().int(), fingerprint: z.array(z.number()) });
export type ProbeRecord = z.infer<typeof probeSchema>;

/** mulberry32: a small seeded generator, so the probe is the same in every runtime and tool. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The probe batch, [PROBE_ROWS, zDim + numTags]: z ~ N(0, 1) from a fixed seed (Box–Muller), then tags. */
export function probeInput(zDim: number, numTags: number): Float32Array {
  const width = zDim + numTags;
  const x = new Float32Array(PROBE_ROWS * width);
  const next = random(0x6ff);
  for (let row = 0; row < PROBE_ROWS; row++) {
    for (let i = 0; i < zDim; i++) {
      const u = Math.max(next(), 1e-12);
      x[row * width + i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    }
    if (row === 1) for (let t = 0; t < numTags; t += 5) x[row * width + zDim + t] = 1;
  }
  return x;
}

/** The probe output's fingerprint: per row, GRID × GRID blocks × 3 channels of mean values, rounded to 1e-4. */
export function fingerprintOf(values: Float32Array, rows: number, size: number): number[] {
  const out: number[] = [];
  const block = size / GRID;
  for (let r = 0; r < rows; r++) {
    const base = r * size * size * 3;
    for (let by = 0; by < GRID; by++) {
      for (let bx = 0; bx < GRID; bx++) {
        const sums = [0, 0, 0];
        let n = 0;
        for (let y = Math.floor(by * block); y < Math.floor((by + 1) * block); y++) {
          for (let x = Math.floor(bx * block); x < Math.floor((bx + 1) * block); x++) {
            const p = base + (y * size + x) * 3;
            for (let c = 0; c < 3; c++) sums[c]! += values[p + c]!;
            n++;
          }
        }
        for (let c = 0; c < 3; c++) out.push(Math.round((sums[c]! / Math.max(1, n)) * 1e4) / 1e4);
      }
    }
  }
  return out;
}

/** Largest difference between two fingerprints; Infinity when their layouts differ. */
export function fingerprintDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** What is wrong with a probe output ([rows, size, size, 3] tanh values), or undefined when it looks like pictures. */
export function outputProblem(values: Float32Array, rows: number, size: number): string | undefined {
  let bad = 0;
  for (const v of values) if (!Number.isFinite(v)) bad++;
  if (bad > 0) return `its output holds ${bad} NaN or infinite value${bad === 1 ? '' : 's'} of ${values.length}`;
  const per = size * size * 3;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    let sq = 0;
    for (let i = r * per; i < (r + 1) * per; i++) {
      sum += values[i]!;
      sq += values[i]! * values[i]!;
    }
    const mean = sum / per;
    const std = Math.sqrt(Math.max(0, sq / per - mean * mean));
    if (std < FLAT_STD) return `it draws a flat picture (standard deviation ${std.toFixed(4)}, mean ${mean.toFixed(3)}) for a fixed test input`;
  }
  return undefined;
}
