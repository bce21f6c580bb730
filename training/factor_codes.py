"""Factor codes: the first z dimensions choose the untagged variants the renderer drew.

A rendered dataset's factors.csv says, for every face, which hair variant, eyes, eyebrows,
mouth, nose and head shape it has — the choices its tags leave open and z must carry. The
encoder family (docs/training.md, model v2) never got z to hold them on a CPU budget: E coded
1.5–3.8 nats where they need ≈ 12. Here they are assigned instead of discovered: z[j] of
factor j, through the normal CDF, picks one of the variants the data shows with that face's
tags (uniformly, so a gacha's N(0, 1) draws cover them all), and G is trained so that a reader
of faces sees that variant in G(z, tags): D's own factor head, learnt on real faces only like
its tag head, or a frozen classifier (the coach) trained beforehand on other renders than the
evaluation's judges.

The model's interface does not change (z is still 100 numbers from N(0, 1)), so the runtime,
share codes and the exporter need nothing new. Which tags limit a factor is found in the data:
hairstyle limits hair variants, closed eyes the eyes, the expression the mouth.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class FactorCodes:
    """factors: {name: (variant names, LongTensor (N,) of each image's variant)} as TaggedImages
    reads them; tags: that data's (N, K) 0/1 tag matrix."""

    def __init__(self, factors, tags, restricting_share=0.8, min_images_per_variant=10):
        self.names = list(factors)
        self.variants = [list(factors[f][0]) for f in self.names]
        self.sizes = [len(factors[f][0]) for f in self.names]
        self.offsets = [sum(self.sizes[:i]) for i in range(len(self.sizes))]
        self.real = torch.stack([factors[f][1] for f in self.names], dim=1)  # (N, F)
        tags = tags.bool()
        self.restricting = []   # per factor: the tag columns whose presence narrows its variants
        self.allowed = []       # per factor: {tuple of present restricting columns: LongTensor of variants}
        for j, f in enumerate(self.names):
            values = self.real[:, j]
            # A tag narrows a factor when the faces that have it show few of its variants; a rare tag
            # shows few by chance, so only tags on enough faces to have seen every variant count.
            cols = [c for c in range(tags.shape[1])
                    if tags[:, c].sum() >= min_images_per_variant * self.sizes[j]
                    and len(values[tags[:, c]].unique()) < restricting_share * self.sizes[j]]
            keys = self.narrowing_keys(tags, cols)
            table = {}
            for key in set(keys):
                rows = torch.tensor([k == key for k in keys])
                table[key] = values[rows].unique()
            self.restricting.append(cols)
            self.allowed.append(table)

    def variants_of(self, factors):
        """(N, F) indices in these codes of another folder's factors (as TaggedImages reads them):
        a held-out rendering names the same variants in its own order. A factor or variant these
        codes never saw is a ValueError."""
        columns = []
        for f, known in zip(self.names, self.variants):
            if f not in factors:
                raise ValueError(f"factors.csv has no column {f!r}")
            names, index = factors[f]
            unknown = [n for n in names if n not in known]
            if unknown:
                raise ValueError(f"its {f} variants {', '.join(unknown[:5])} never occur in the training data")
            columns.append(torch.tensor([known.index(n) for n in names])[index])
        return torch.stack(columns, dim=1)

    @staticmethod
    def narrowing_keys(tags, cols):
        """Per row of a 0/1 (N, K) tag matrix, the tuple of `cols` present: the key of `allowed`."""
        if not cols:
            return [()] * tags.shape[0]
        present = tags[:, cols]
        return [tuple(c for c, on in zip(cols, row) if on) for row in present.tolist()]

    def describe(self, vocab):
        """{factor: {"variants": n, "zIndex": j, "limitedBy": [tag names], "variantsWith": {key: n}}}
        for config.json. variantsWith: how many variants z[j] chooses among for each combination of
        limiting tags the data shows (key: those tags, comma-joined in vocabulary order; "" for
        none); tags outside it choose among all n (targets). The refine loop (src/core/refine.ts)
        needs it to pick other variants than a face's own."""
        return {f: {"variants": self.sizes[j], "zIndex": j, "limitedBy": [vocab[c]["name"] for c in self.restricting[j]],
                    "variantsWith": {",".join(vocab[c]["name"] for c in key): len(allowed)
                                     for key, allowed in sorted(self.allowed[j].items())}}
                for j, f in enumerate(self.names)}

    def targets(self, z, tags):
        """(B, F) variant indices that z's first F numbers choose for these tags. Tag vectors
        never seen in the data (GAN-INT's interpolations) fall back to every variant."""
        u = 0.5 * (1 + torch.erf(z[:, : len(self.names)].detach().cpu().double() / math.sqrt(2)))
        hard = tags.detach().cpu() > 0.5
        out = torch.empty(z.shape[0], len(self.names), dtype=torch.long)
        for j in range(len(self.names)):
            keys = self.narrowing_keys(hard, self.restricting[j])
            for i, key in enumerate(keys):
                allowed = self.allowed[j].get(key)
                n = len(allowed) if allowed is not None else self.sizes[j]
                pick = min(int(u[i, j] * n), n - 1)
                out[i, j] = allowed[pick] if allowed is not None else pick
        return out.to(z.device)

    def encode(self, variants, tags, generator=None):
        """The inverse of targets: (B, F) z numbers that choose these variants (B, F) for these
        tags, each drawn uniformly within its variant's share of N(0, 1) — exactly how a gacha
        draw lands there — so a real face can be redrawn from the code of what it shows."""
        hard = tags.detach().cpu() > 0.5
        v = variants.detach().cpu()
        u = torch.empty(len(v), len(self.names), dtype=torch.float64)
        jitter = torch.rand(len(v), len(self.names), generator=generator, dtype=torch.float64)
        for j in range(len(self.names)):
            keys = self.narrowing_keys(hard, self.restricting[j])
            for i, key in enumerate(keys):
                allowed = self.allowed[j].get(key)
                if allowed is None:
                    n, pick = self.sizes[j], int(v[i, j])
                else:
                    at = (allowed == v[i, j]).nonzero()
                    n, pick = len(allowed), int(at[0, 0]) if len(at) else 0
                u[i, j] = (pick + jitter[i, j]) / n
        u = u.clamp(1e-6, 1 - 1e-6)
        return (math.sqrt(2) * torch.erfinv(2 * u - 1)).float().to(variants.device)

    def cross_entropy(self, logits, targets):
        """Mean over factors of the cross-entropy of D's concatenated factor logits (B, total)."""
        losses = [F.cross_entropy(logits[:, o:o + n], targets[:, j])
                  for j, (o, n) in enumerate(zip(self.offsets, self.sizes))]
        return torch.stack(losses).mean()

    def accuracies(self, logits, targets):
        """{factor: share of rows whose argmax is the target}: which factors z has taken hold of."""
        return {f: (logits[:, o:o + n].argmax(dim=1) == targets[:, j]).float().mean().item()
                for j, (f, o, n) in enumerate(zip(self.names, self.offsets, self.sizes))}

    def accuracy(self, logits, targets):
        per_factor = self.accuracies(logits, targets)
        return sum(per_factor.values()) / len(per_factor)


class FactorCoach(nn.Module):
    """A frozen factor classifier (training/classifier.py --factors-only) read in the layout of
    FactorCodes' logits. Its variant columns are matched by name, so the coach may have been
    trained on another rendering of the same style; a variant it never saw is an error."""

    def __init__(self, path, codes: FactorCodes):
        super().__init__()
        from training.classifier import load_classifier
        self.model, ckpt = load_classifier(path)
        self.model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.order, self.columns = list(codes.names), []
        for f, names in zip(codes.names, codes.variants):
            known = (ckpt.get("factors") or {}).get(f)
            if known is None:
                raise ValueError(f"{path}: this classifier has no head for the factor {f!r}")
            missing = [n for n in names if n not in known]
            if missing:
                raise ValueError(f"{path}: its {f} head never saw the variants {', '.join(missing[:5])}")
            self.columns.append(torch.tensor([known.index(n) for n in names]))
        self.size = ckpt.get("size", 64)

    def train(self, mode=True):
        return super().train(False)  # BatchNorm keeps the statistics of the real faces it learnt

    def forward(self, images):
        """images (B, 3, S, S) in [-1, 1] → (B, total) logits in FactorCodes' layout."""
        if images.shape[-1] != self.size:
            images = F.interpolate(images, size=(self.size, self.size), mode="area")
        logits = self.model.factor_logits(self.model.features(images))
        return torch.cat([logits[f][:, cols.to(images.device)] for f, cols in zip(self.order, self.columns)], dim=1)
