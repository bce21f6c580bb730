"""Where each coded z number changes what it draws: the thresholds of the generator's code layer.

A factor or draw code puts a face's k-th of n variants in the k-th of n equal shares of N(0, 1)
(FactorCodes.encode, DrawCodes.encode), so the boundaries between variants are the quantiles
Φ⁻¹(k/n). One z number holds up to 44 hair variants that way; a generator whose first layer is
linear in z has to carve each narrow band out of that number with many units, and measured
against the factor judge it followed the eye code barely above chance (docs/training.md). With
the code layer (networks.NetConfig.code_thresholds) it also reads one sigmoid step per boundary,
and a variant is then the difference of two of its inputs.

Where the tags narrow a factor (a ponytail has 2 hair variants, short hair 15), n depends on the
tags and so do the boundaries: the thresholds are those of every n the data uses, merged where
two lie closer than MERGE. Draws with more than MAX_DRAW_CHOICES choices (the colour jitters,
the gradient's angle) are near-continuous, so they get no steps: a linear layer reads them well.
"""
from pathlib import Path
from statistics import NormalDist

from training.dataset import DataError, read_draws, read_factors, read_tag_rows, tag_matrix
from training.draw_codes import DrawCodes
from training.factor_codes import FactorCodes

MAX_DRAW_CHOICES = 9
MERGE = 1e-3


def quantile_boundaries(counts):
    """Sorted Φ⁻¹(k/n) for every n in counts and 0 < k < n, those closer than MERGE merged."""
    out = []
    for t in sorted({NormalDist().inv_cdf(k / n) for n in counts if n > 1 for k in range(1, n)}):
        if not out or t - out[-1] > MERGE:
            out.append(t)
    return out


def code_thresholds(codes: FactorCodes, draws: DrawCodes | None = None, max_draw_choices=MAX_DRAW_CHOICES):
    """[[z index, threshold], …] for the factor codes (z[0:F]) and the few-choice draw codes
    (z[F:F+C]), in z order."""
    pairs = []
    for j in range(len(codes.names)):
        counts = {int(codes.sizes[j])} | {len(a) for a in codes.allowed[j].values()}
        pairs += [[j, t] for t in quantile_boundaries(counts)]
    if draws is not None:
        for c in range(len(draws.names)):
            counts = {int(n) for n in draws.choices[:, c].unique().tolist() if n > 0}
            if counts and max(counts) <= max_draw_choices:
                pairs += [[draws.offset + c, t] for t in quantile_boundaries(counts)]
    return pairs


def data_code_thresholds(path, vocab):
    """code_thresholds of a rendered folder's codes (factors.csv and draws.csv over vocab's tags),
    as `train --code-layer` gives a generator trained on it, read without its images; DataError
    where the folder has no codes."""
    path = Path(path)
    rows = read_tag_rows(path)
    files = [f for f, _ in rows]
    factors, draws = read_factors(path, files), read_draws(path, files)
    if factors is None or draws is None:
        raise DataError(f"{path}: no factors.csv and draws.csv beside tags.csv, so no codes to snap")
    codes = FactorCodes(factors, tag_matrix(rows, vocab))
    return code_thresholds(codes, DrawCodes(draws, offset=len(codes.names)))
