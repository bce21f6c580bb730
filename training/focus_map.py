"""Where a factor shows: a per-pixel weight map for the redraw L1, found in the data.

The redraw L1 is a mean over the whole picture, where hair and background fill most pixels;
eyes, eyebrows, mouth and nose are a few pixels each at 64 px, so the regression barely pays
for getting them wrong (session 11: hair and head shape followed their codes at twice chance,
the small features stayed at chance). The map says where each factor's variants differ: for
factor f, the between-variant variance of the mean image,

    B_f(p) = sum_v n_v * |mean_v(p) - mean(p)|^2 / N,

summed over colour channels. Each named factor's map is scaled to a maximum of 1, dilated a
little (the renderer shifts and tilts faces, so means are blurred) and the maps are added
and clipped to 1. The weight is 1 + K * map, divided by its own mean so that the loss keeps
its scale and the learning rate its meaning.
"""
import torch
import torch.nn.functional as F


def factor_variance_maps(images, factors, names, chunk=2048):
    """{name: (H, W) between-variant variance} of uint8 images (N, 3, H, W) for the named
    factors of `factors` (as TaggedImages reads factors.csv). Means are accumulated in chunks
    so that 30,000 images at 64 px need no float copy of the whole set."""
    n, _, h, w = images.shape
    maps = {}
    for f in names:
        if f not in factors:
            raise ValueError(f"factors.csv has no column {f!r} (it has {', '.join(factors)})")
        _, index = factors[f]
        k = int(index.max()) + 1
        sums = torch.zeros(k, 3, h, w, dtype=torch.float64)
        for start in range(0, n, chunk):
            x = images[start:start + chunk].double() / 255.0
            sums.index_add_(0, index[start:start + chunk], x)
        counts = torch.bincount(index, minlength=k).double()
        total = sums.sum(0) / n
        seen = counts > 0
        means = sums[seen] / counts[seen].view(-1, 1, 1, 1)
        between = (counts[seen].view(-1, 1, 1, 1) * (means - total) ** 2).sum(0).sum(0) / n
        maps[f] = between.float()
    return maps


def focus_weights(images, factors, names, strength, dilate=3):
    """(1, 1, H, W) pixel weights with mean 1: 1 + strength where the named factors show."""
    maps = factor_variance_maps(images, factors, names)
    area = torch.zeros_like(next(iter(maps.values())))
    for m in maps.values():
        peak = m.max()
        if peak > 0:
            area += m / peak
    area = area.clamp(max=1.0)[None, None]
    if dilate > 1:
        area = F.max_pool2d(area, dilate, stride=1, padding=dilate // 2)
    weights = 1.0 + strength * area
    return weights / weights.mean()


def weighted_l1(y, x, weights):
    """Mean of |y - x| weighted per pixel (weights (1, 1, H, W), mean 1)."""
    return ((y - x).abs() * weights).mean()
