"""Differentiable augmentation for small data (train --augment): DiffAugment's (Zhao et al. 2020)
translation and cutout, applied alike to real and generated pictures before D sees them, so that D
cannot memorise a few thousand pictures and G still gets its gradients through the augmentation.

No colour augmentation: hair, eye and background colours are tags, and D's tag head must read
them as they are. Translation moves each picture by up to 1/8 of its side and fills the edge it
uncovers with white (the colour every picture is laid on: transparency, --fit pad); cutout blanks
a square half the picture's side, grey (0 in [-1, 1]), which can hide a small tag (glasses) from
D's tag head on that picture.

Random numbers come from the CPU generator, as everywhere in a run, so a run draws the same
augmentations on a GPU.
"""
import torch
import torch.nn.functional as F

AUGMENTS = ("translation", "cutout")
WHITE = 1.0


def parse_augment(text: str) -> tuple:
    """"translation,cutout" → ("translation", "cutout"); "" or "none" → (); anything else is a ValueError."""
    names = tuple(p.strip() for p in text.split(",") if p.strip() and p.strip() != "none")
    bad = [n for n in names if n not in AUGMENTS]
    if bad:
        raise ValueError(f"unknown augmentation {', '.join(bad)} (choose from {', '.join(AUGMENTS)}; no colour augmentation: colours are tags)")
    return tuple(dict.fromkeys(names))


def translate(x, ratio=0.125, fill=WHITE):
    """Each picture shifted by up to ratio of its side in x and y (whole pixels), the uncovered
    edge filled with `fill`; a gather, so gradients reach x."""
    b, _, h, w = x.shape
    sh, sw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-sh, sh + 1, (b, 1, 1)).to(x.device)
    dx = torch.randint(-sw, sw + 1, (b, 1, 1)).to(x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    # Index into x padded by sh and sw: the rows and columns past the picture read the fill.
    padded = F.pad(x, [sw, sw, sh, sh], value=fill)
    r = (rows + dy + sh).expand(b, h, w)
    c = (cols + dx + sw).expand(b, h, w)
    batch = torch.arange(b, device=x.device).view(b, 1, 1).expand(b, h, w)
    return padded.permute(0, 2, 3, 1)[batch, r, c].permute(0, 3, 1, 2)


def cutout(x, ratio=0.5, fill=0.0):
    """A square of ratio × the side, at a random place per picture (it may hang over the edge), set to fill."""
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = torch.randint(0, h + (1 - ch % 2), (b, 1, 1)).to(x.device)
    cx = torch.randint(0, w + (1 - cw % 2), (b, 1, 1)).to(x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    r, c = rows - cy + ch // 2, cols - cx + cw // 2   # the square's own coordinates
    hole = (r >= 0) & (r < ch) & (c >= 0) & (c < cw)
    keep = (~hole).unsqueeze(1).to(x.dtype)
    return x * keep + fill * (1 - keep)


FUNCTIONS = {"translation": translate, "cutout": cutout}


def augment(x, policy):
    """x (B, C, H, W) with each augmentation of policy applied in turn; x itself when policy is empty."""
    for name in policy:
        x = FUNCTIONS[name](x)
    return x


class AugmentedD:
    """D as the losses see it under --augment: every picture it scores (forward) is augmented
    first, real and generated alike. feature_maps and score_and_maps (the redraw's feature
    matching compares a redraw with its own real face) pass through unaugmented."""

    def __init__(self, D, policy):
        self.D, self.policy = D, tuple(policy)

    def __call__(self, images, tags, with_factors=False):
        return self.D(augment(images, self.policy), tags, with_factors=with_factors)

    def feature_maps(self, images):
        return self.D.feature_maps(images)

    def score_and_maps(self, images, tags):
        return self.D.score_and_maps(images, tags)
