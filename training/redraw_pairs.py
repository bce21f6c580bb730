"""A generator's own drawings, as inputs for the 2× stage: its redraws of real faces
(train_upscaler --pairs-from) and its gacha pictures (train_upscaler --gacha-from).

The 2× stage learned on renders reduced to 64 px and degraded by hand (blur, noise, colour
drift). A GAN's 64 px faces differ from those in ways nobody wrote down, and every generator
lost about 0.03 of recall in the enlargement (docs/training.md, session 12). A run trained with
--redraw can draw any training face from the codes of everything the renderer chose for it
(training/draw_codes.py), so its drawing of face i, next to face i's 128 px render, is a pair of
exactly the kind the stage meets when it is served: the generator's artefacts in, the render out.
"""
from pathlib import Path

import torch

from training.dataset import DataError
from training.draw_codes import DrawCodes, redraw_code
from training.export import generator_source, load_run_generator
from training.factor_codes import FactorCodes


def same_vocabulary(flag, source, vocab, data):
    """A generator draws tag vectors in its own vocabulary's order; another order would swap tags."""
    if [v["name"] for v in vocab] != [v["name"] for v in data.vocab]:
        raise DataError(f"{flag} {source}: its tag vocabulary differs from {data.root}'s")


class GeneratorRedraws:
    """run_dir: a generator run trained with --redraw on `data` (a TaggedImages at any size:
    only its tags, factors and draws are read). Calling it with image indices gives G_ema's
    64 px drawings of those faces, (B, 3, 64, 64) in [-1, 1]."""

    def __init__(self, run_dir, data, seed=0):
        try:
            self.G, ckpt = load_run_generator(run_dir)
        except (OSError, KeyError, RuntimeError) as e:
            raise DataError(f"--pairs-from {run_dir}: not a readable generator run ({e})") from e
        cfg = ckpt["config"]
        if cfg["loss"].get("redraw_weight", 0) <= 0:
            raise DataError(f"--pairs-from {run_dir}: that run was not trained with --redraw, so it cannot draw a given face")
        # The codes are built from the data's factor and draw tables; another folder would give
        # the same numbers other meanings.
        if Path(cfg["data"]).resolve() != Path(data.root).resolve():
            raise DataError(f"--pairs-from {run_dir}: that run was trained on {cfg['data']}; give --data {cfg['data']}")
        same_vocabulary("--pairs-from", run_dir, ckpt["vocab"], data)
        self.codes = FactorCodes(data.factors, data.tags)
        self.draws = DrawCodes(data.draws, offset=len(self.codes.names))
        self.data = data
        self.rng = torch.Generator().manual_seed(seed)
        self.G.requires_grad_(False)   # a fixed source of inputs: nothing trains it

    @torch.no_grad()
    def __call__(self, idx):
        tags = self.data.tags[idx]
        z = redraw_code(self.codes, self.draws, self.codes.real[idx], tags, idx, self.G.cfg.z_dim, self.rng)
        return self.G(z, tags).clamp(-1, 1)


class GeneratorGacha:
    """source: a generator run or a shipped 64 px model with `data`'s tag vocabulary. Calling it
    with a count gives that many 64 px drawings, (B, 3, 64, 64) in [-1, 1], for z ~ N(0, 1) (what
    /gacha draws) and the tags of as many random faces of `data`: the pictures the 2× stage is
    served, with no render to compare them with (the adversarial fine-tuning needs none)."""

    def __init__(self, source, data, seed=0):
        try:
            self.G, vocab, _ = generator_source(source)
        except (OSError, KeyError, RuntimeError, ValueError) as e:
            raise DataError(f"--gacha-from {source}: not a readable generator run or 64 px model ({e})") from e
        same_vocabulary("--gacha-from", source, vocab, data)
        self.data = data
        self.rng = torch.Generator().manual_seed(seed)
        self.G.requires_grad_(False)   # a fixed source of inputs: nothing trains it

    @torch.no_grad()
    def __call__(self, count):
        idx = torch.randint(len(self.data), (count,), generator=self.rng)
        z = torch.randn(count, self.G.cfg.z_dim, generator=self.rng)
        return self.G(z, self.data.tags[idx]).clamp(-1, 1)
