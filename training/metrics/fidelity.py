"""Per-tag fidelity: does a requested tag appear, and do unrequested ones stay away?

For each tag: hit = P(classifier detects it | requested), clean = P(not detected | not
requested); fidelity is their mean (balanced accuracy), so rare tags count as much as common ones.
"""
import numpy as np


def per_tag_fidelity(requested, detected, names):
    """requested, detected: (N, K) booleans → {tag: {fidelity, hit, clean, requested}}."""
    requested, detected = np.asarray(requested, bool), np.asarray(detected, bool)
    out = {}
    for j, name in enumerate(names):
        asked, not_asked = requested[:, j], ~requested[:, j]
        hit = float(detected[asked, j].mean()) if asked.any() else float("nan")
        clean = float((~detected[not_asked, j]).mean()) if not_asked.any() else float("nan")
        out[name] = {"fidelity": float(np.nanmean([hit, clean])), "hit": hit, "clean": clean, "requested": int(asked.sum())}
    return out
