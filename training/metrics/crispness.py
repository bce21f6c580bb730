"""Crispness of flat art: how few colours a face is painted with (issue 31).

Each pixel's colour is binned to 4 bits per channel (4,096 bins, so anti-aliasing and a little
noise share a bin with their fill). A render is a handful of flat fills: its 8 commonest bins
cover about 93 % of it and 3 bins reach 90 %; speckle and smudge spread a face over dozens of
bins. Two figures per set of faces: the mean share of pixels in each face's 8 commonest bins,
and the median number of bins a face needs for 90 % of its pixels.
"""
import numpy as np

TOP_COLOURS = 8
COVERAGE = 0.9


def colour_counts(image):
    """Pixel counts of one (S, S, 3) uint8 face's 4-bit colour bins, commonest first."""
    q = (image >> 4).astype(np.int32)
    bins = (q[..., 0] << 8) | (q[..., 1] << 4) | q[..., 2]
    counts = np.bincount(bins.ravel(), minlength=4096)
    return np.sort(counts[counts > 0])[::-1]


def crispness(images):
    """{"top8Coverage": mean share of pixels in the 8 commonest bins, "coloursFor90": median
    number of bins that cover 90 % of a face, "faces": N} of (N, S, S, 3) uint8 faces."""
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(f"expected (N, S, S, 3) uint8 faces, got {images.shape} {images.dtype}")
    top, need = [], []
    for image in images:
        counts = colour_counts(image)
        total = counts.sum()
        top.append(counts[:TOP_COLOURS].sum() / total)
        need.append(int(np.searchsorted(np.cumsum(counts), COVERAGE * total) + 1))
    return {"top8Coverage": round(float(np.mean(top)), 4), "coloursFor90": float(np.median(need)), "faces": len(images)}
