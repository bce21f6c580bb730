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


def requested_readability(requested, probabilities, names, tags):
    """How surely the judge reads each of `tags` where it was requested: the mean of its
    probability over those pictures, and the standard error of the tag's fidelity from the hit
    rate (fidelity = ½ (hit + clean), so half the hit rate's √(p(1 − p)/n)). A rare expression
    the judge itself reads on a third of the renders (a wink) moves by a couple of hundredths
    between seed draws; its probabilities' spread says whether generated and rendered ones are
    read alike. → {tag: {requested, meanProbability, fidelityStdError}}."""
    requested, probabilities = np.asarray(requested, bool), np.asarray(probabilities, float)
    out = {}
    for tag in tags:
        if tag not in names:
            continue
        asked = requested[:, names.index(tag)]
        if not asked.any():
            continue
        p = probabilities[asked, names.index(tag)]
        hit = float((p > 0.5).mean())
        out[tag] = {"requested": int(asked.sum()), "meanProbability": round(float(p.mean()), 4),
                    "fidelityStdError": round(float(np.sqrt(hit * (1 - hit) / len(p)) / 2), 4)}
    return out
