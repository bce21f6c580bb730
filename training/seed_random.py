"""Portable seeded random numbers, bit-identical to src/latent/seed-random.ts.

xoshiro128** seeded through a Weyl sequence mixed by murmur3's fmix32, 53-bit uniforms and
Box-Muller normals rounded to float32: a seed names the same z in the trainer and the bot.
"""
import math

import numpy as np

M32 = 0xFFFFFFFF
GOLDEN_GAMMA = 0x9E3779B9


def _fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class SeedRandom:
    def __init__(self, seed):
        if not (isinstance(seed, int) and 0 <= seed <= M32):
            raise ValueError(f"seed must be an integer from 0 to {M32}, got {seed!r}")
        self.s = [_fmix32((seed + (i + 1) * GOLDEN_GAMMA) & M32) for i in range(4)]
        if not any(self.s):
            self.s[0] = 1
        self._spare = None

    def next_uint32(self):
        s = self.s
        result = (_rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 11)
        return result

    def uniform(self):
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864 + b) / 9007199254740992

    def normal(self):
        if self._spare is not None:
            v, self._spare = self._spare, None
            return v
        u1 = 1 - self.uniform()
        u2 = self.uniform()
        r = math.sqrt(-2 * math.log(u1))
        theta = 2 * math.pi * u2
        self._spare = float(np.float32(r * math.sin(theta)))
        return float(np.float32(r * math.cos(theta)))

    def normals(self, n):
        return np.array([self.normal() for _ in range(n)], dtype=np.float32)


def seed_to_z(seed, z_dim=100):
    """The latent vector that an integer seed names."""
    return SeedRandom(seed).normals(z_dim)
