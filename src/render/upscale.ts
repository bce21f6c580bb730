/**
 * Tile enlargement in plain JS, written straight into the canvas.
 *
 * When sharp enlarges an image, libvips ignores the kernel for everything but `nearest` and
 * `linear`: `lanczos3`, `lanczos2`, `mitchell`, `cubic`… all run vips_affine with its
 * "bicubic" (Catmull-Rom) interpolator, the same pixels for every one of them. That path is
 * slow for small tiles (≈1 ms of CPU per 64→128 tile, per-pixel interpolator calls plus a
 * pipeline each), while the same separable 4-tap filter in a JS loop costs ≈0.2 ms and
 * needs no copy afterwards. This file reproduces libvips' arithmetic — sample positions,
 * coefficient table quantised to 1/64 px, 12-bit fixed point with rounding after each
 * pass, edges extended by copying — so tiles come out as sharp drew them before, to the
 * bit (tests/render/upscale.test.ts holds it to sharp's output).
 *
 * Only enlargement is done here; shrinking (fitUnderLimit's smaller tiles) stays with
 * sharp's lanczos3 reduce, which really does use the kernel.
 */
import type { RawImage } from './raw-image.ts';

/** libvips' VIPS_INTERPOLATE_SHIFT: coefficients are 12-bit fixed point. */
const SHIFT = 12;
const ROUND = 1 << (SHIFT - 1);
const ONE = 1 << SHIFT;
/** libvips' VIPS_TRANSFORM_SCALE: sub-pixel positions are quantised to 1/64 px. */
const STEPS = 64;

/**
 * Catmull-Rom weights of the 4 neighbours around a point `t` ∈ [0, 1] past the second one:
 * w0 = −t(1−t)²/2, w3 = −t²(1−t)/2, and w1, w2 from those. Evaluated in the same order of
 * float operations as libvips, so that the truncation to fixed point below gives the same
 * integers.
 */
function catmullRom(t: number): [number, number, number, number] {
  const u = 1 - t;
  const h = u * (-0.5 * t);
  const w0 = u * h;
  const w3 = t * h;
  const d = w3 - w0;
  return [w0, u - w0 + d, t - w3 - d, w3];
}

/** COEFFS[t * 4 + k]: fixed-point weight of neighbour k at sub-pixel position t / 64. */
const COEFFS = (() => {
  const out = new Int32Array((STEPS + 1) * 4);
  for (let t = 0; t <= STEPS; t++) {
    const c = catmullRom(Math.fround(t / STEPS));
    for (let k = 0; k < 4; k++) out[t * 4 + k] = Math.trunc(c[k]! * (1 << SHIFT));
  }
  return out;
})();

/** For each output position: the 4 source indices (edge-clamped, pre-multiplied by `stride`) and weights. */
interface Taps {
  index: Int32Array;
  weight: Int32Array;
}

const tapCache = new Map<string, Taps>();

function taps(n: number, m: number, stride: number): Taps {
  const key = `${n}:${m}:${stride}`;
  let t = tapCache.get(key);
  if (t) return t;
  const index = new Int32Array(m * 4);
  const weight = new Int32Array(m * 4);
  for (let o = 0; o < m; o++) {
    // Where libvips samples output pixel o of an n → m enlargement (measured against
    // sharp 0.34 / libvips 8.17: an impulse at input i peaks at output (i + ½)·m/n).
    const x = (o * n) / m - 0.5;
    const f = Math.floor(x);
    const step = (Math.floor((x - f) * STEPS * 2) + 1) >> 1; // round to nearest 1/64
    for (let k = 0; k < 4; k++) {
      index[o * 4 + k] = Math.min(n - 1, Math.max(0, f - 1 + k)) * stride;
      weight[o * 4 + k] = COEFFS[step * 4 + k]!;
    }
  }
  t = { index, weight };
  if (tapCache.size >= 64) tapCache.clear();
  tapCache.set(key, t);
  return t;
}

/** True when upscaleInto handles `img` → w×h: an enlargement on both axes. */
export function canUpscale(img: { width: number; height: number }, w: number, h: number): boolean {
  return w > img.width && h > img.height;
}

let scratch = new Int16Array(0);

/**
 * Enlarges `img` to `box.w × box.h` and writes it into the RGB canvas `dst` (`dstWidth`
 * pixels wide) with its top-left corner at (box.x, box.y). The box must lie inside the
 * canvas and be larger than the image on both axes (see canUpscale).
 */
export function upscaleInto(img: RawImage, dst: Uint8Array, dstWidth: number, box: { x: number; y: number; w: number; h: number }): void {
  const { width: sw, height: sh, data: src } = img;
  const { w, h } = box;
  if (!canUpscale(img, w, h)) throw new RangeError(`upscaleInto enlarges only (${sw}×${sh} → ${w}×${h})`);
  if (box.x < 0 || box.y < 0 || box.x + w > dstWidth || (box.y + h) * dstWidth * 3 > dst.length) {
    throw new RangeError('upscaleInto: box outside the canvas');
  }
  if (w === 2 * sw && h === 2 * sh) {
    upscale2x(img, dst, dstWidth, box.x, box.y);
    return;
  }
  const rowLen = w * 3;
  const tx = taps(sw, w, 3);
  const ty = taps(sh, h, rowLen);
  if (scratch.length < sh * rowLen) scratch = new Int16Array(sh * rowLen);
  const tmp = scratch;

  // Horizontal pass: every source row to w pixels, rounded to integers (may over/undershoot).
  for (let y = 0; y < sh; y++) {
    const srow = y * sw * 3;
    let o = y * rowLen;
    for (let x = 0; x < w; x++) {
      const q = x * 4;
      const a = srow + tx.index[q]!;
      const b = srow + tx.index[q + 1]!;
      const c = srow + tx.index[q + 2]!;
      const d = srow + tx.index[q + 3]!;
      const c0 = tx.weight[q]!;
      const c1 = tx.weight[q + 1]!;
      const c2 = tx.weight[q + 2]!;
      const c3 = tx.weight[q + 3]!;
      if (c1 === ONE && c0 === 0 && c2 === 0 && c3 === 0) {
        // Exactly on a source pixel (every other column at 2×): a copy.
        tmp[o++] = src[b]!;
        tmp[o++] = src[b + 1]!;
        tmp[o++] = src[b + 2]!;
        continue;
      }
      tmp[o++] = (c0 * src[a]! + c1 * src[b]! + c2 * src[c]! + c3 * src[d]! + ROUND) >> SHIFT;
      tmp[o++] = (c0 * src[a + 1]! + c1 * src[b + 1]! + c2 * src[c + 1]! + c3 * src[d + 1]! + ROUND) >> SHIFT;
      tmp[o++] = (c0 * src[a + 2]! + c1 * src[b + 2]! + c2 * src[c + 2]! + c3 * src[d + 2]! + ROUND) >> SHIFT;
    }
  }

  // Vertical pass straight into the canvas; the clamped view clips to 0…255.
  for (let y = 0; y < h; y++) {
    const q = y * 4;
    const r0 = ty.index[q]!;
    const r1 = ty.index[q + 1]!;
    const r2 = ty.index[q + 2]!;
    const r3 = ty.index[q + 3]!;
    const c0 = ty.weight[q]!;
    const c1 = ty.weight[q + 1]!;
    const c2 = ty.weight[q + 2]!;
    const c3 = ty.weight[q + 3]!;
    const base = ((box.y + y) * dstWidth + box.x) * 3;
    if (c1 === ONE && c0 === 0 && c2 === 0 && c3 === 0) {
      for (let i = 0; i < rowLen; i++) {
        const v = tmp[r1 + i]!;
        dst[base + i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
      continue;
    }
    for (let i = 0; i < rowLen; i++) {
      const v = (c0 * tmp[r0 + i]! + c1 * tmp[r1 + i]! + c2 * tmp[r2 + i]! + c3 * tmp[r3 + i]! + ROUND) >> SHIFT;
      dst[base + i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/**
 * Exactly 2× (64 → 128, the usual case): the same arithmetic with the constants folded in.
 * Odd outputs sit on a source pixel (weights 0, 1, 0, 0); even outputs sit half-way, with
 * weights −256, 2304, 2304, −256 / 4096, i.e. (9·(p₁ + p₂) − (p₀ + p₃) + 8) >> 4, which
 * rounds exactly as libvips' 12-bit version does.
 */
function upscale2x(img: RawImage, dst: Uint8Array, dstWidth: number, bx: number, by: number): void {
  const { width: sw, height: sh, data: src } = img;
  const rowLen = sw * 6;
  if (scratch.length < sh * rowLen) scratch = new Int16Array(sh * rowLen);
  const tmp = scratch;
  const lastX = (sw - 1) * 3;
  for (let y = 0; y < sh; y++) {
    const s = y * sw * 3;
    let o = y * rowLen;
    for (let k = 0; k < sw * 3; k += 3) {
      const a = s + (k >= 6 ? k - 6 : 0);
      const b = s + (k >= 3 ? k - 3 : 0);
      const c = s + k;
      const d = s + (k < lastX ? k + 3 : lastX);
      tmp[o] = (9 * (src[b]! + src[c]!) - (src[a]! + src[d]!) + 8) >> 4;
      tmp[o + 1] = (9 * (src[b + 1]! + src[c + 1]!) - (src[a + 1]! + src[d + 1]!) + 8) >> 4;
      tmp[o + 2] = (9 * (src[b + 2]! + src[c + 2]!) - (src[a + 2]! + src[d + 2]!) + 8) >> 4;
      tmp[o + 3] = src[c]!;
      tmp[o + 4] = src[c + 1]!;
      tmp[o + 5] = src[c + 2]!;
      o += 6;
    }
  }
  for (let k = 0; k < sh; k++) {
    const r0 = (k >= 2 ? k - 2 : 0) * rowLen;
    const r1 = (k >= 1 ? k - 1 : 0) * rowLen;
    const r2 = k * rowLen;
    const r3 = (k + 1 < sh ? k + 1 : sh - 1) * rowLen;
    const even = ((by + 2 * k) * dstWidth + bx) * 3;
    const odd = even + dstWidth * 3;
    for (let i = 0; i < rowLen; i++) {
      const v = (9 * (tmp[r1 + i]! + tmp[r2 + i]!) - (tmp[r0 + i]! + tmp[r3 + i]!) + 8) >> 4;
      dst[even + i] = v < 0 ? 0 : v > 255 ? 255 : v;
      const u = tmp[r2 + i]!;
      dst[odd + i] = u < 0 ? 0 : u > 255 ? 255 : u;
    }
  }
}

/** Copies a same-size `img` into the RGB canvas at (x, y). */
export function copyInto(img: RawImage, dst: Uint8Array, dstWidth: number, x: number, y: number): void {
  const rowLen = img.width * 3;
  for (let r = 0; r < img.height; r++) {
    dst.set(img.data.subarray(r * rowLen, (r + 1) * rowLen), ((y + r) * dstWidth + x) * 3);
  }
}
