/**
 * Portable seeded random numbers: xoshiro128** seeded through a Weyl sequence mixed by
 * murmur3's fmix32, 53-bit uniforms, Box–Muller normals rounded to float32.
 *
 * training/seed_random.py implements the same steps with masks, and the two produce
 * bit-identical float32 normals (golden values are tested on both sides), so a seed names
 * the same z in the bot, the CLI and the trainer.
 */

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class SeedRandom {
  private readonly s = new Uint32Array(4);
  /** Box–Muller yields normals in pairs; the second waits here. */
  private spareNormal: number | null = null;

  /** `seed` is an integer in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
    }
    for (let i = 0; i < 4; i++) this.s[i] = fmix32((seed + Math.imul(i + 1, GOLDEN_GAMMA)) >>> 0);
    if (this.s[0] === 0 && this.s[1] === 0 && this.s[2] === 0 && this.s[3] === 0) this.s[0] = 1;
  }

  /** Next uint32 (xoshiro128**). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal rounded to float32. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spareNormal = Math.fround(r * Math.sin(theta));
    return Math.fround(r * Math.cos(theta));
  }

  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }
}

/** The latent vector that an integer seed names. */
export function seedToZ(seed: number, zDim = 100): Float32Array {
  return new SeedRandom(seed).normals(zDim);
}
