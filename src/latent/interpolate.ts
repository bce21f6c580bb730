/**
 * Latent-space arithmetic on z vectors (and on tag vectors, which morph with the same lerp).
 * All functions return new Float32Arrays and never modify their inputs; arithmetic is done
 * in float64 and rounded once to float32.
 */
import { SeedRandom } from './seed-random.ts';

type Vec = ArrayLike<number>;

function sameLength(a: Vec, b: Vec, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: vectors differ in length (${a.length} vs ${b.length})`);
}

function norm(a: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** (1 − t)·a + t·b; t = 0 gives a and t = 1 gives b exactly. */
export function lerp(a: Vec, b: Vec, t: number): Float32Array {
  sameLength(a, b, 'lerp');
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i]! + t * b[i]!;
  return out;
}

/** Below this sin(angle) the vectors count as parallel and slerp falls back to lerp. */
const PARALLEL_SIN = 1e-6;

/**
 * Spherical interpolation along the great circle between a and b (magnitudes blend as in
 * the DCGAN "sampling generative networks" recipe). Keeps intermediate z at a typical norm,
 * where lerp would pass through low-norm, washed-out faces.
 */
export function slerp(a: Vec, b: Vec, t: number): Float32Array {
  sameLength(a, b, 'slerp');
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return lerp(a, b, t);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / (na * nb))));
  const so = Math.sin(omega);
  if (so < PARALLEL_SIN) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / so;
  const wb = Math.sin(t * omega) / so;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}

export type InterpolationKind = 'lerp' | 'slerp';

/**
 * `steps` points from a to b, both ends included and exact copies (7 by default, as the
 * original's morph strip).
 */
export function interpolateSteps(a: Vec, b: Vec, steps = 7, kind: InterpolationKind = 'slerp'): Float32Array[] {
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`steps must be an integer ≥ 2, got ${steps}`);
  sameLength(a, b, 'interpolateSteps');
  const f = kind === 'slerp' ? slerp : lerp;
  const out: Float32Array[] = [];
  for (let i = 0; i < steps; i++) {
    if (i === 0) out.push(Float32Array.from(a));
    else if (i === steps - 1) out.push(Float32Array.from(b));
    else out.push(f(a, b, i / (steps - 1)));
  }
  return out;
}

/**
 * Bilinear blend of four corners [topLeft, topRight, bottomLeft, bottomRight] at
 * u (0 left → 1 right), v (0 top → 1 bottom). Corners come back exactly at u, v ∈ {0, 1}.
 */
export function bilinear(corners: readonly [Vec, Vec, Vec, Vec], u: number, v: number): Float32Array {
  const [tl, tr, bl, br] = corners;
  sameLength(tl, tr, 'bilinear');
  sameLength(tl, bl, 'bilinear');
  sameLength(tl, br, 'bilinear');
  const out = new Float32Array(tl.length);
  for (let i = 0; i < tl.length; i++) {
    const top = (1 - u) * tl[i]! + u * tr[i]!;
    const bottom = (1 - u) * bl[i]! + u * br[i]!;
    out[i] = (1 - v) * top + v * bottom;
  }
  return out;
}

/** rows × cols bilinear blends spanning the four corners (grid[r][c]); both ≥ 2. */
export function bilinearGrid(corners: readonly [Vec, Vec, Vec, Vec], rows: number, cols: number): Float32Array[][] {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 2 || cols < 2) {
    throw new RangeError(`grid needs at least 2 × 2 cells, got ${rows} × ${cols}`);
  }
  const grid: Float32Array[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: Float32Array[] = [];
    for (let c = 0; c < cols; c++) row.push(bilinear(corners, c / (cols - 1), r / (rows - 1)));
    grid.push(row);
  }
  return grid;
}

/**
 * `count` neighbours of z: z + σ·noise, each rescaled to the norm of z so that they stay as
 * "typical" as z itself. Deterministic: the noise comes from SeedRandom(seed).
 * σ is relative to a unit normal per component (σ ≈ 0.3 is a close sibling, 1 a cousin).
 */
export function variations(z: Vec, sigma: number, count: number, seed: number): Float32Array[] {
  if (!(sigma >= 0)) throw new RangeError(`sigma must be ≥ 0, got ${sigma}`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number, got ${count}`);
  const rng = new SeedRandom(seed);
  const target = norm(z);
  const out: Float32Array[] = [];
  for (let k = 0; k < count; k++) {
    const noise = rng.normals(z.length);
    const v = new Float64Array(z.length);
    for (let i = 0; i < z.length; i++) v[i] = z[i]! + sigma * noise[i]!;
    const n = norm(v);
    const scale = n > 0 ? target / n : 0;
    const res = new Float32Array(z.length);
    for (let i = 0; i < z.length; i++) res[i] = v[i]! * scale;
    out.push(res);
  }
  return out;
}

/** The truncation trick: ψ·z pulls z toward the mean face (ψ < 1: safer, blander; 1: z). */
export function truncate(z: Vec, psi: number): Float32Array {
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = psi * z[i]!;
  return out;
}
