"""Draw codes: the z numbers after the factor codes choose every other untagged draw.

factors.csv names the variants a face's tags leave open (training/factor_codes.py gives them
z[0]…z[5]); draws.csv (tools/dataset/sample-face.ts, UNTAGGED_DRAWS) holds the rest of what the
renderer chose at random — framing, tilt, gradient colours and angle, each colour's jitter, an
accessory's look — as "choice/choices". With both, a rendered face is fully determined by its
tags and its codes, so "redraw this real face from its codes" is a task G can meet exactly
(session 10: with only the factor codes, the framing, gradients and jitter nobody coded kept
the pixel loss from falling). Draw j takes z[offset + j] through the normal CDF, uniformly over
its choices, like the factor codes.
"""
import math

import torch


class DrawCodes:
    """draws: training.dataset.read_draws' triple. offset: the first z index the draws take."""

    def __init__(self, draws, offset):
        self.names, self.choice, self.choices = draws
        self.offset = offset
        self.sizes = self.choices.max(dim=0).values  # choices per draw (0 where it never happens)

    def describe(self):
        """{draw: {"choices": n, "zIndex": j}} for config.json."""
        return {name: {"choices": int(n), "zIndex": self.offset + j} for j, (name, n) in enumerate(zip(self.names, self.sizes.tolist()))}

    def encode(self, idx, generator=None):
        """(B, C) z numbers that choose the draws of images idx, each uniform within its choice's
        share of N(0, 1) (where a gacha draw would land); a draw that did not happen gets an
        N(0, 1) number, as a gacha gives it."""
        k, n = self.choice[idx].double(), self.choices[idx].double()
        u = (k + torch.rand(k.shape, generator=generator, dtype=torch.float64)) / n.clamp(min=1)
        z = (math.sqrt(2) * torch.erfinv(2 * u.clamp(1e-6, 1 - 1e-6) - 1)).float()
        free = torch.randn(k.shape, generator=generator)
        return torch.where(n > 0, z, free)

    def decode(self, z):
        """(B, C) choices that z's draw numbers make when every draw happens: encode's inverse."""
        u = 0.5 * (1 + torch.erf(z[:, self.offset:self.offset + len(self.names)].double() / math.sqrt(2)))
        n = self.sizes.double()
        return torch.minimum((u * n).floor(), n - 1).long()


def redraw_code(codes, draws, variants, tags, idx, z_dim, generator=None):
    """(B, z_dim) that redraws images idx: the factor codes of their variants (FactorCodes), then
    the draw codes (DrawCodes), then N(0, 1) numbers G must ignore."""
    fixed = torch.cat([codes.encode(variants, tags, generator=generator), draws.encode(idx, generator=generator)], dim=1)
    return torch.cat([fixed, torch.randn(len(idx), z_dim - fixed.shape[1], generator=generator)], dim=1)
