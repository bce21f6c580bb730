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

from training.dataset import DataError


def factor_variance_maps(images, factors, names, chunk=2048):
    """{name: (H, W) between-variant variance} of uint8 images (N, 3, H, W) for the named
    factors of `factors` (as TaggedImages reads factors.csv). One pass over the images, in
    chunks, sums every factor's variants at once (a pass per factor took 20 s for four factors
    of 30,000 images at 64 px), with no float copy of the whole set."""
    missing = [f for f in names if f not in factors]
    if missing:
        raise ValueError(f"factors.csv has no column {missing[0]!r} (it has {', '.join(factors)})")
    n, _, h, w = images.shape
    index = {f: factors[f][1] for f in names}
    sums = {f: torch.zeros(int(index[f].max()) + 1, 3, h, w, dtype=torch.float64) for f in names}
    total = torch.zeros(3, h, w, dtype=torch.float64)
    for start in range(0, n, chunk):
        x = images[start:start + chunk].double() / 255.0
        total += x.sum(0)
        for f in names:
            sums[f].index_add_(0, index[f][start:start + chunk], x)
    mean = total / n
    maps = {}
    for f in names:
        counts = torch.bincount(index[f], minlength=len(sums[f])).double()
        seen = counts > 0
        means = sums[f][seen] / counts[seen].view(-1, 1, 1, 1)
        maps[f] = ((counts[seen].view(-1, 1, 1, 1) * (means - mean) ** 2).sum(0).sum(0) / n).float()
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


def data_focus_weights(data, names, strength, flag):
    """focus_weights of a TaggedImages' images and factors, for a trainer's flag: a factor the
    data does not have is a DataError that names the flag."""
    try:
        return focus_weights(data.images, data.factors, list(names), strength)
    except ValueError as e:
        raise DataError(f"{flag}: {e}") from None


def weighted_l1(y, x, weights):
    """Mean of |y - x| weighted per pixel (weights (1, 1, H, W), mean 1)."""
    return ((y - x).abs() * weights).mean()
